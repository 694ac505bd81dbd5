/**
 * How fast each page of the web client loads on a new demo database (issue 14: under 1 s each).
 * The api runs as `npm start` runs it (the product build in dist/, embedded PostgreSQL in a fresh
 * DATA_DIR, the demo crowd seeded at boot); Debian's Chromium loads each page, from navigation
 * to its content on screen (the figures, the gallery, the stats), first in a fresh browser
 * profile (nothing cached), then warm (the client's files cached), median of 5; with the bytes of
 * the client's files sent for the cold load (compressed as sent). Skipped, saying so, without
 * /usr/bin/chromium. `BENCH_ONLY=web npm run bench` runs it alone.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Request } from 'playwright-core';
import { freePort } from '@foule/shared';
import { median, ms } from './support';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const WARM_RUNS = 5;

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.log(`   SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    console.log(`BENCH_RESULT ${JSON.stringify({ skipped: true })}`);
    return;
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = path.join(os.tmpdir(), `foule-bench-web-${randomBytes(4).toString('hex')}`);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PUBLIC_URL: baseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '100000' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  delete env.SEED_DEMO;
  const started = Date.now();
  const api = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  api.stdout.on('data', (chunk) => (output += chunk));
  api.stderr.on('data', (chunk) => (output += chunk));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    for (;;) {
      if (api.exitCode !== null) throw new Error(`the api exited with ${api.exitCode}:\n${output}`);
      if (Date.now() - started > 120_000) throw new Error(`the api was not ready within 120 s:\n${output}`);
      const ready = await fetch(`${baseUrl}/ready`).then((response) => response.status === 200, () => false);
      // Ready for pages once the demo crowd is seeded, which the boot's last line says.
      if (ready && output.includes('Foule is ready')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`   api booted on a new embedded database with the demo crowd in ${ms(Date.now() - started)}`);

    const ids = (await (
      await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ campaigns(first: 1, filter: { status: LIVE }) { edges { node { id } } } contests(first: 1) { edges { node { id } } } }' }),
      })
    ).json()) as { data: { campaigns: { edges: { node: { id: string } }[] }; contests: { edges: { node: { id: string } }[] } } };
    const campaignId = ids.data.campaigns.edges[0].node.id;
    const contestId = ids.data.contests.edges[0].node.id;

    const pages: { name: string; path: string; ready: string; signedIn?: boolean }[] = [
      { name: 'discover', path: '/', ready: '.card h2 a' },
      { name: 'campaign', path: `/campaigns/${campaignId}`, ready: '[data-testid=pledged]' },
      { name: 'contest', path: `/contests/${contestId}`, ready: '.entry img' },
      { name: 'profile', path: '/profiles/ada', ready: '.figures dd' },
      { name: 'campaign, signed in', path: `/campaigns/${campaignId}`, ready: '[data-testid=your-pledge]', signedIn: true },
      { name: 'profile with notifications', path: '/profiles/bea', ready: '[data-testid=notifications] li', signedIn: true },
    ];

    /** A browser profile signed in as bea, who backs the demo campaign (the tokens in storage, as the sign-in page leaves them). */
    const signedInContext = async (): Promise<BrowserContext> => {
      const context = await browser.newContext();
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken expiresAt profile { id handle displayName } } }',
          variables: { input: { email: 'bea@demo.foule.test', password: 'foule-demo-password' } },
        }),
      });
      const session = ((await response.json()) as { data: { signIn: unknown } }).data.signIn;
      await context.addInitScript(`localStorage.setItem('foule.session', ${JSON.stringify(JSON.stringify(session))})`);
      return context;
    };

    /** The time to the page's content, and the bytes of the client's files (/assets/) as sent over the wire. */
    const load = async (context: BrowserContext, page: (typeof pages)[number]) => {
      const tab = await context.newPage();
      const assets: Request[] = [];
      tab.on('requestfinished', (request) => {
        if (new URL(request.url()).pathname.startsWith('/assets/')) assets.push(request);
      });
      const start = Date.now();
      await tab.goto(`${baseUrl}${page.path}`);
      await tab.waitForSelector(page.ready, { timeout: 10_000 });
      const elapsed = Date.now() - start;
      let assetBytes = 0;
      for (const request of assets) assetBytes += (await request.sizes()).responseBodySize;
      await tab.close();
      return { elapsed, assetBytes };
    };

    console.log('   page                         cold       warm (median of 5)  client files sent cold');
    const results: Record<string, { coldMs: number; warmMs: number; coldAssetBytes: number }> = {};
    for (const page of pages) {
      const context = page.signedIn ? await signedInContext() : await browser.newContext();
      const cold = await load(context, page);
      const warm: number[] = [];
      for (let run = 0; run < WARM_RUNS; run++) warm.push((await load(context, page)).elapsed);
      await context.close();
      results[page.name] = { coldMs: cold.elapsed, warmMs: median(warm), coldAssetBytes: cold.assetBytes };
      console.log(
        `   ${page.name.padEnd(28)} ${ms(cold.elapsed).padStart(9)}  ${ms(median(warm)).padStart(9)}  ${`${(cold.assetBytes / 1024).toFixed(1)} KB`.padStart(20)}`,
      );
    }
    const slowest = Math.max(...Object.values(results).map((result) => result.coldMs));
    console.log(`   slowest cold load ${ms(slowest)}: ${slowest < 1000 ? 'every page under 1 s' : 'OVER 1 s'}`);
    console.log(`BENCH_RESULT ${JSON.stringify({ pages: results, slowestColdMs: slowest })}`);
  } finally {
    await browser.close();
    if (api.exitCode === null) {
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
