/**
 * A newcomer with a browser: outside production `/dev` shows the demo crowd's sign-in and links to
 * the web client (`/`, in every environment) and to GraphiQL at `/graphql`, served from our own routes, which loads the schema and runs a query
 * in a real Chromium (Debian's, driven by playwright-core). In production none of it exists.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { TypenameDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp } from './support/fixtures';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('developer pages outside production', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('answers a browser with the home page and GraphiQL, and GraphQL clients with GraphQL', async () => {
    const home = await fetch(`${app.baseUrl}/dev`, { headers: { accept: BROWSER_ACCEPT } });
    expect(home.status).toBe(200);
    const homeHtml = await home.text();
    expect(homeHtml).toContain('href="/graphql"');
    expect(homeHtml).toContain('href="/"');
    expect(homeHtml).toContain('ada@demo.foule.test');
    expect(homeHtml).toContain('foule-demo-password');

    const ide = await fetch(`${app.baseUrl}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(ide.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await ide.text()).toContain('/graphiql/graphiql.js');
    const script = await fetch(`${app.baseUrl}/graphiql/graphiql.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);

    // The web client answers a browser at any page address; a client asking for anything at an
    // unknown path gets the api's 404.
    // It is marked for links to the developer pages (apps/web/src/developer-pages.ts).
    const page = await fetch(`${app.baseUrl}/campaigns/cmp_unknown`, { headers: { accept: BROWSER_ACCEPT } });
    const pageHtml = await page.text();
    expect([page.status, pageHtml.includes('<div id="root">')]).toEqual([200, true]);
    expect(pageHtml).toContain('<meta name="foule-developer-pages" content="/dev">');
    expect((await fetch(`${app.baseUrl}/no-such-path`)).status).toBe(404);

    // A GraphQL GET without a preflight-forcing header is still refused by CSRF prevention.
    const get = await fetch(`${app.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
  if (!existsSync(CHROMIUM)) console.log(`GraphiQL browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

  describeInBrowser('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });
    afterAll(() => browser?.close());

    it('goes from the home page to GraphiQL, which loads the schema and shows a query result', async () => {
      const profile = await signUp(app, { displayName: 'Seen In The Browser' });
      const page = await browser.newPage();
      const outsideRequests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(app.baseUrl)) outsideRequests.push(request.url());
      });
      await page.goto(`${app.baseUrl}/dev`);
      const schemaLoaded = page.waitForResponse((response) => response.url().endsWith('/graphql') && response.request().postData()?.includes('__schema') === true);
      await page.click('text=GraphQL IDE');
      expect((await schemaLoaded).status()).toBe(200);
      // Replace the prepared operations with one query, through the editor's own API (CodeMirror).
      await page.waitForSelector('.graphiql-query-editor .CodeMirror');
      const query = `{ profile(handle: "${profile.handle}") { displayName } }`;
      await page.evaluate(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(${JSON.stringify(query)})`);
      // Run it as a user does. GraphiQL may not have taken in the new text when the first
      // click lands, so click again until the result shows, within a deadline.
      const resultShown = `document.querySelector('.graphiql-response')?.textContent.includes('Seen In The Browser') === true`;
      for (const deadline = Date.now() + 30_000; !(await page.evaluate(resultShown)) && Date.now() < deadline; ) {
        await page.click('.graphiql-execute-button');
        await page.waitForFunction(resultShown, null, { timeout: 3_000 }).catch(() => undefined);
      }
      expect(await page.evaluate(resultShown)).toBe(true);
      expect(outsideRequests).toEqual([]);
      await page.close();
    });
  });
});

describe('developer pages in production', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525' });
  });
  afterAll(() => app.close());

  it('has no developer page, no IDE and no IDE files; the web client is served', async () => {
    const home = await fetch(`${app.baseUrl}/dev`, { headers: { accept: BROWSER_ACCEPT } });
    expect(home.status).toBe(404);
    const client = await fetch(`${app.baseUrl}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(client.status).toBe(200);
    const clientHtml = await client.text();
    expect(clientHtml).toContain('<div id="root">');
    expect(clientHtml).not.toContain('foule-demo-password');
    // So the client shows no link to them.
    expect(clientHtml).not.toContain('foule-developer-pages');
    const ide = await fetch(`${app.baseUrl}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(ide.status).toBeGreaterThanOrEqual(400);
    expect(ide.headers.get('content-type')).not.toMatch(/html/);
    expect((await fetch(`${app.baseUrl}/graphiql/graphiql.js`)).status).toBe(404);
    // GraphQL itself is served as ever.
    expect((await app.gql(TypenameDocument, {})).data).toEqual({ __typename: 'Query' });
  });
});
