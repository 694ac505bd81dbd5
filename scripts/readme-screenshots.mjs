// `node scripts/readme-screenshots.mjs [base URL]`: the README's pictures of the web client
// (docs/web-campaign.png, docs/web-contest.png) taken in Debian's Chromium from a running api with
// the demo crowd (`npm start` on a new database; default http://localhost:3000): the live demo
// campaign signed in as cyril, one of its backers, and its contest signed in as ada, its holder.
// Run it again when a change alters what those pages show.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const baseUrl = (process.argv[2] ?? 'http://localhost:3000').replace(/\/$/, '');
const PASSWORD = 'foule-demo-password'; // DEMO_PASSWORD of apps/api/src/demo-seed.ts

async function graphql(query, variables) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join('; '));
  return body.data;
}

const signIn = async (handle) =>
  (
    await graphql(
      'mutation($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken expiresAt profile { id handle displayName } } }',
      { input: { email: `${handle}@demo.foule.test`, password: PASSWORD } },
    )
  ).signIn;

const ids = await graphql('{ campaigns(first: 1, filter: { status: LIVE }) { edges { node { id } } } contests(first: 1) { edges { node { id } } } }');
const shots = [
  { file: 'web-campaign.png', handle: 'cyril', path: `/campaigns/${ids.campaigns.edges[0].node.id}`, ready: '[data-testid=your-pledge]' },
  { file: 'web-contest.png', handle: 'ada', path: `/contests/${ids.contests.edges[0].node.id}`, ready: '.entry img' },
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  for (const shot of shots) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // The tokens in storage, as the sign-in page leaves them (apps/web/src/session.ts).
    await context.addInitScript(`localStorage.setItem('foule.session', ${JSON.stringify(JSON.stringify(await signIn(shot.handle)))})`);
    const page = await context.newPage();
    await page.goto(`${baseUrl}${shot.path}`);
    await page.waitForSelector(shot.ready);
    await page.waitForLoadState('networkidle');
    await page.evaluate('Promise.all([...document.images].map((image) => image.decode().catch(() => null)))');
    await page.screenshot({ path: path.join(root, 'docs', shot.file) });
    await context.close();
    console.log(`docs/${shot.file}: ${shot.path} signed in as ${shot.handle}`);
  }
} finally {
  await browser.close();
}
