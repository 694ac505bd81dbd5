/**
 * What the benchmarks share: a throwaway migrated database (embedded PostgreSQL unless
 * DATABASE_URL), the api as a child process, SQL seeding, and figures. Benchmarks are not
 * tests: they print numbers, run by `npm run bench`, never by `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { Pool } from 'pg';
import { AccessTokenService, freePort, loadConfig, newId, openScratchServer, runMigrations, scratchDatabaseName, type ScratchServer } from '@foule/shared';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';

export interface BenchDatabase {
  url: string;
  pool: Pool;
  close(): Promise<void>;
}

/**
 * The benchmark's own connections ('foule-bench', which close() waits for the others to leave).
 * pool.end() resolves before every session has closed, and a database dropped or restarted under
 * an idle client makes it emit 'error', which would otherwise end the process.
 */
export function benchPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 20, application_name: 'foule-bench' });
  pool.on('error', () => undefined);
  return pool;
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const server: ScratchServer = await openScratchServer({ databaseUrl: process.env.DATABASE_URL });
  const name = scratchDatabaseName('foule_bench');
  const url = await server.createDatabase(name);
  await runMigrations(url, DATABASE_PARTS);
  // pg-boss creates its schema on start; do it once here so the first job is not slower.
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 1, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  const pool = benchPool(url);
  return {
    url,
    pool,
    async close() {
      // Let processes that were using the database finish closing their pools first: dropping
      // it under them kills their idle connections, which pg reports as errors.
      for (let waited = 0; waited < 20_000; waited += 100) {
        const { rows } = await pool.query<{ others: number }>(
          "SELECT count(*)::int AS others FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'foule-bench'",
        );
        if (rows[0].others === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await pool.end();
      await server.dropDatabase(name).catch(() => undefined);
      await server.stop();
    },
  };
}

export const BENCH_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  SEED_DEMO: 'false',
  JOB_POLL_INTERVAL_SECONDS: '0.5',
  RATE_LIMIT_PER_MINUTE: '100000',
  // Required in production; no benchmark sends an email (nothing listens there).
  SMTP_URL: 'smtp://127.0.0.1:2525',
  // Long enough that no payout or retry window runs during a benchmark.
  CAMPAIGN_PAYOUT_DELAY_SECONDS: '86400',
  PAYMENT_RETRY_WINDOW_SECONDS: '86400',
};

export interface RunningApi {
  baseUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The built api (dist-testing/apps/api/src/main.js, the product built with the bench) on the bench
 * database; `main` is the entry to run instead (another build's, for an A/B comparison).
 */
export async function startApi(
  databaseUrl: string,
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
  main = path.resolve(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
): Promise<RunningApi> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ...BENCH_ENV,
      DATA_DIR: path.join(os.tmpdir(), `foule-bench-${randomBytes(4).toString('hex')}`),
      ...env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      PUBLIC_URL: baseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the api exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM'); // else it outlives the benchmark, still working on the database
      throw new Error(`the api was not ready within ${readyTimeoutMs / 1000} s:\n${output}`);
    }
    try {
      if ((await fetch(`${baseUrl}/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * `n` profiles, each with a live session whose id is `sessionOf(id)`, inserted directly
 * (sign-up hashes passwords, which is not what is measured).
 */
export async function seedProfiles(pool: Pool, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newId('profile'));
  await pool.query(
    `INSERT INTO community.profiles (id, email, password_hash, handle, handle_key, display_name)
     SELECT id, id || '@bench.test', 'not-a-hash', id, lower(id), 'Bench ' || id FROM unnest($1::text[]) AS id`,
    [ids],
  );
  await pool.query(
    `INSERT INTO community.refresh_tokens (id, profile_id, family_id, token_hash, expires_at)
     SELECT 'rft_' || id, id, 'bench-' || id, 'not-a-hash', now() + interval '1 day' FROM unnest($1::text[]) AS id`,
    [ids],
  );
  return ids;
}

export const sessionOf = (profileId: string) => `bench-${profileId}`;

/** `n` seeded profiles with an access token each, signed with `jwtSecret` (the api's JWT_SECRET). */
export async function seedSignedInProfiles(pool: Pool, n: number, jwtSecret: string): Promise<{ ids: string[]; tokenOf: Map<string, string> }> {
  const ids = await seedProfiles(pool, n);
  const tokens = new AccessTokenService(loadConfig({ JWT_SECRET: jwtSecret, DATA_DIR: '/tmp' }));
  return { ids, tokenOf: new Map(ids.map((id) => [id, tokens.sign(id, sessionOf(id)).token])) };
}

export interface PledgeAnswer {
  data?: { pledge?: { id: string; status: string } };
  errors?: { extensions?: { code?: string } }[];
}

/** One pledge of 10.00 on `tierId` over the api's GraphQL, with a new idempotency key, as a client sends it. */
export async function pledgeOverApi(baseUrl: string, token: string, campaignId: string, tierId: string): Promise<PledgeAnswer> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation($input: PledgeInput!) { pledge(input: $input) { id status } }`,
      variables: { input: { campaignId, tierId, amount: 1000, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID() } },
    }),
  });
  return (await response.json()) as PledgeAnswer;
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A LIVE campaign (ALL_OR_NOTHING, EUR) with one tier, seeded directly. */
export async function seedLiveCampaign(
  pool: Pool,
  options: { creatorId: string; goal: number; deadline: Date; tierLimit?: number | null; tierMinimum?: number },
): Promise<{ campaignId: string; tierId: string }> {
  const campaignId = newId('campaign');
  const tierId = newId('rewardTier');
  await pool.query(
    `INSERT INTO funding.campaigns (id, slug, title, blurb, description, category, category_key, creator_id, status, funding_model,
                                    goal_amount, currency, deadline, launched_at, secret_reward_token)
     VALUES ($1, $1, 'Bench campaign', 'bench', 'bench', 'Bench', 'bench', $2, 'LIVE', 'ALL_OR_NOTHING', $3, 'EUR', $4, now(), gen_random_uuid()::text)`,
    [campaignId, options.creatorId, options.goal, options.deadline],
  );
  await pool.query(
    `INSERT INTO funding.reward_tiers (id, campaign_id, title, description, minimum, quantity_limit) VALUES ($1, $2, 'Tier', 'bench', $3, $4)`,
    [tierId, campaignId, options.tierMinimum ?? 1000, options.tierLimit ?? null],
  );
  return { campaignId, tierId };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
