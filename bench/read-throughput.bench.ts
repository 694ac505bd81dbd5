/**
 * Benchmark (issue 13 §1, read): the campaign list, through the built api (NODE_ENV=production,
 * the flags `npm start` uses) and through the bare baseline (bench/baseline/read-server.ts:
 * node:http + graphql-js + pg, the same batched SQL), on one database seeded once with 1,000
 * LIVE campaigns with tiers and pledges. 50 keep-alive connections; runs alternate between the
 * two servers and the median of the rounds is reported: requests/s, p50, p99, peak RSS of the
 * server under load, and Foule's ratio to the baseline. Both answers are checked equal first.
 *
 * BENCH_READ_SECONDS (default 10) per round, BENCH_READ_ROUNDS (default 3),
 * BENCH_READ_PAGES (default 20,100), BENCH_READ_PROFILE=<dir>: Foule runs with --cpu-prof there.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { deepStrictEqual } from 'node:assert';
import type { Pool } from 'pg';
import { freePort, newId } from '@foule/shared';
import { mb, median, ms, openBenchDatabase, percentile, seedProfiles, startApi } from './support';

const CAMPAIGNS = 1000;
const CREATORS = 100;
const BACKERS = 20;
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 3);
const PAGES = (process.env.BENCH_READ_PAGES ?? '20,100').split(',').map(Number);
const PROFILE_DIR = process.env.BENCH_READ_PROFILE;

const queryOf = (first: number) =>
  `{ campaigns(first: ${first}) { edges { node { title creator { handle } pledged { amount } rewardTiers { title remaining } } } } }`;

/** 1,000 LIVE campaigns by 100 creators, three tiers each (one limited), and pledges from 20 backers on most. */
async function seed(pool: Pool): Promise<void> {
  const creators = await seedProfiles(pool, CREATORS);
  const backers = await seedProfiles(pool, BACKERS);
  const campaignIds = Array.from({ length: CAMPAIGNS }, () => newId('campaign'));
  await pool.query(
    `INSERT INTO funding.campaigns (id, slug, title, blurb, description, category, category_key, creator_id, status, funding_model,
                                    goal_amount, currency, deadline, launched_at, secret_reward_token)
     SELECT id, lower(id), 'Campaign number ' || n, 'bench', 'bench', 'Bench', 'bench', ($2::text[])[1 + n % $3], 'LIVE', 'ALL_OR_NOTHING',
            100000, 'EUR', now() + interval '30 days', now(), gen_random_uuid()::text
       FROM unnest($1::text[]) WITH ORDINALITY AS c(id, n)`,
    [campaignIds, creators, CREATORS],
  );
  const tiers = campaignIds.flatMap((campaignId, index) =>
    [0, 1, 2].map((rank) => ({ id: newId('rewardTier'), campaignId, rank, limit: rank === 2 ? 50 : null, claimed: rank === 2 ? index % 50 : 0 })),
  );
  await pool.query(
    `INSERT INTO funding.reward_tiers (id, campaign_id, title, description, minimum, quantity_limit, claimed)
     SELECT id, campaign_id, 'Tier ' || rank, 'bench', 1000 * (rank + 1), quantity_limit, claimed
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[]) AS t(id, campaign_id, rank, quantity_limit, claimed)`,
    [tiers.map((t) => t.id), tiers.map((t) => t.campaignId), tiers.map((t) => t.rank), tiers.map((t) => t.limit), tiers.map((t) => t.claimed)],
  );
  const pledges = campaignIds.flatMap((campaignId, index) =>
    backers.slice(0, index % (BACKERS + 1)).map((backerId, n) => ({ id: newId('pledge'), campaignId, backerId, amount: 1000 + 100 * n })),
  );
  await pool.query(
    `INSERT INTO funding.pledges (id, campaign_id, backer_id, amount, currency, status, customer_id, payment_method_id)
     SELECT id, campaign_id, backer_id, amount, 'EUR', 'PENDING', 'cus_bench', 'pm_card_visa'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS p(id, campaign_id, backer_id, amount)`,
    [pledges.map((p) => p.id), pledges.map((p) => p.campaignId), pledges.map((p) => p.backerId), pledges.map((p) => p.amount)],
  );
  await pool.query('ANALYZE');
}

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function startBaseline(databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(__dirname, 'baseline', 'read-server.js')], {
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) throw new Error(`the baseline exited with ${child.exitCode}`);
    if (waited > 30_000) throw new Error('the baseline was not ready within 30 s');
    try {
      if ((await fetch(`${url}/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: 'baseline',
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system) the process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted from the state, field 3.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** One POST over a keep-alive agent; resolves with the body, rejects on a non-200. */
function post(agent: http.Agent, url: URL, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200 || text.startsWith('{"errors"') || text.includes('"errors":[')) {
            reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
          } else resolve(text);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

interface Round {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  peakRss: number;
  /** The server's CPU time per request: what a busy machine changes least. */
  cpuMsPerRequest: number;
}

/** CONNECTIONS clients each sending the query back to back for `seconds`. */
async function load(server: Server, first: number, seconds: number): Promise<Round> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL('/graphql', server.url);
  const body = JSON.stringify({ query: queryOf(first) });
  const latencies: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(server.process.pid!))), 100);
  const cpuBefore = cpuMsOf(server.process.pid!);
  const started = performance.now();
  const endAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < endAt) {
        const sent = performance.now();
        await post(agent, url, body);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpuMs = cpuMsOf(server.process.pid!) - cpuBefore;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssOf(server.process.pid!));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requestsPerSecond: (latencies.length / wallMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), peakRss, cpuMsPerRequest: cpuMs / latencies.length };
}

async function main(): Promise<void> {
  const db = await openBenchDatabase();
  const servers: Server[] = [];
  try {
    await seed(db.pool);
    const api = await startApi(db.url, {
      JWT_SECRET: randomBytes(24).toString('hex'),
      SMTP_URL: 'smtp://127.0.0.1:9',
      // One client IP sends every request: well past the default allowance of one caller.
      RATE_LIMIT_PER_MINUTE: '1000000',
      NODE_OPTIONS: ['--enable-source-maps', ...(PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${PROFILE_DIR}`] : [])].join(' '),
    });
    const foule: Server = { name: 'foule', url: api.baseUrl, process: api.process, stop: () => api.stop() };
    servers.push(foule, await startBaseline(db.url));
    const baseline = servers[1];
    const results = [];
    for (const first of PAGES) {
      // The same answer from both (and the JIT warmed on it).
      const agent = new http.Agent({ keepAlive: true });
      const body = JSON.stringify({ query: queryOf(first) });
      const [fouleData, baselineData] = await Promise.all([foule, baseline].map(async (server) => JSON.parse(await post(agent, new URL('/graphql', server.url), body))));
      agent.destroy();
      deepStrictEqual(fouleData, baselineData, `Foule and the baseline answer first: ${first} differently`);
      if (fouleData.data.campaigns.edges.length !== first) throw new Error(`expected ${first} campaigns`);
      for (const server of [foule, baseline]) await load(server, first, Math.min(3, SECONDS));

      const rounds: Record<string, Round[]> = { foule: [], baseline: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so neither always follows the other's garbage or heat.
        for (const server of round % 2 === 0 ? [foule, baseline] : [baseline, foule]) rounds[server.name].push(await load(server, first, SECONDS));
      }
      const pick = (name: string, key: keyof Round) => median(rounds[name].map((r) => r[key]));
      const summary = (name: string) => ({
        requestsPerSecond: pick(name, 'requestsPerSecond'),
        p50Ms: pick(name, 'p50'),
        p99Ms: pick(name, 'p99'),
        peakRss: pick(name, 'peakRss'),
        cpuMsPerRequest: pick(name, 'cpuMsPerRequest'),
        rounds: rounds[name],
      });
      const [f, b] = [summary('foule'), summary('baseline')];
      const ratios = {
        throughput: f.requestsPerSecond / b.requestsPerSecond,
        p99: f.p99Ms / b.p99Ms,
        rss: f.peakRss / b.peakRss,
        cpuPerRequest: f.cpuMsPerRequest / b.cpuMsPerRequest,
      };
      console.log(
        `   first: ${first}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s (medians)\n` +
          `     Foule    ${f.requestsPerSecond.toFixed(0)} req/s, p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}, peak RSS ${mb(f.peakRss)}, CPU ${ms(f.cpuMsPerRequest)}/request\n` +
          `     baseline ${b.requestsPerSecond.toFixed(0)} req/s, p50 ${ms(b.p50Ms)}, p99 ${ms(b.p99Ms)}, peak RSS ${mb(b.peakRss)}, CPU ${ms(b.cpuMsPerRequest)}/request\n` +
          `     ratio    throughput ${ratios.throughput.toFixed(2)}x (goal >= 0.5), p99 ${ratios.p99.toFixed(2)}x (goal <= 2), RSS ${ratios.rss.toFixed(2)}x (goal <= 2), CPU per request ${ratios.cpuPerRequest.toFixed(2)}x`,
      );
      results.push({ first, foule: f, baseline: b, ratios });
    }
    console.log(`BENCH_RESULT ${JSON.stringify({ benchmark: 'read-throughput', campaigns: CAMPAIGNS, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, results })}`);
  } finally {
    for (const server of servers) await server.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
