/**
 * Benchmark 1 (issue 4): 200 concurrent pledges on one limited tier, through the real api
 * (GraphQL over HTTP: auth, idempotency key, saving the card with the sandbox provider, the
 * pledge's transaction), against a bare `pg` script that runs only the same conditional
 * UPDATE and INSERT in one transaction, measured in the same run on the same database.
 * Checks that nothing is oversold; prints pledges per second, p50 and p99 latency, and the
 * ratios. BENCH_PLEDGE_ROUNDS (default 3) rounds of each; BENCH_PLEDGE_PROFILE=<dir>: the api runs with --cpu-prof there (summarize the
 * .cpuprofile with bench/cpu-profile-top.mjs).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { newId } from '@foule/shared';
import { cpuMsOf, median, ms, openBenchDatabase, percentile, pledgeOverApi, seedLiveCampaign, seedProfiles, seedSignedInProfiles, startApi } from './support';

const CONCURRENT = 200;
const TIER_LIMIT = 100;
const ROUNDS = Number(process.env.BENCH_PLEDGE_ROUNDS ?? 3);
const PROFILE_DIR = process.env.BENCH_PLEDGE_PROFILE;

interface Round {
  wallMs: number;
  /** CPU time (user + system) of the process serving the round: the api's, or this script's own for the bare rounds. */
  cpuMs: number;
  latencies: number[];
  accepted: number;
  rejected: number;
  errors: number;
}

function summarize(round: Round) {
  const sorted = [...round.latencies].sort((a, b) => a - b);
  return {
    requestsPerSecond: (round.latencies.length / round.wallMs) * 1000,
    acceptedPerSecond: (round.accepted / round.wallMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuMsPerRequest: round.cpuMs / round.latencies.length,
  };
}

/** This process's CPU time so far, in ms. */
function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function assertNotOversold(pool: Pool, tierId: string, accepted: number): Promise<void> {
  const {
    rows: [row],
  } = await pool.query<{ claimed: number; quantity_limit: number; live: number }>(
    `SELECT t.claimed, t.quantity_limit,
            (SELECT count(*)::int FROM funding.pledges p WHERE p.tier_id = t.id AND p.status IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED')) AS live
       FROM funding.reward_tiers t WHERE t.id = $1`,
    [tierId],
  );
  const oversold = Math.max(0, row.live - row.quantity_limit);
  if (oversold > 0 || row.claimed !== row.live || row.live !== accepted || accepted !== TIER_LIMIT) {
    throw new Error(`tier ${tierId}: limit ${row.quantity_limit}, claimed ${row.claimed}, live pledges ${row.live}, accepted ${accepted}: OVERSOLD or miscounted`);
  }
}

async function main(): Promise<void> {
  const db = await openBenchDatabase();
  const jwtSecret = randomBytes(24).toString('hex');
  const api = await startApi(db.url, {
    JWT_SECRET: jwtSecret,
    ...(PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : {}),
  });
  try {
    const [creatorId] = await seedProfiles(db.pool, 1);
    const { ids: backers, tokenOf } = await seedSignedInProfiles(db.pool, CONCURRENT, jwtSecret);
    const deadline = new Date(Date.now() + 3600_000);

    const pledge = async (backerId: string, campaignId: string, tierId: string) => {
      const started = performance.now();
      const body = await pledgeOverApi(api.baseUrl, tokenOf.get(backerId)!, campaignId, tierId);
      const latency = performance.now() - started;
      const code = body.errors?.[0]?.extensions?.code;
      return { latency, outcome: body.data?.pledge ? 'accepted' : code === 'CONFLICT' ? 'rejected' : `error:${code}:${JSON.stringify(body.errors?.[0])}` };
    };

    // Warm-up: every backer pledges once on an unlimited tier (creating its provider customer,
    // as a returning backer has), and the JIT sees the path.
    const warm = await seedLiveCampaign(db.pool, { creatorId, goal: 100_000, deadline, tierLimit: null });
    for (let i = 0; i < backers.length; i += 20) await Promise.all(backers.slice(i, i + 20).map((id) => pledge(id, warm.campaignId, warm.tierId)));

    const apiRounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { campaignId, tierId } = await seedLiveCampaign(db.pool, { creatorId, goal: 100_000, deadline, tierLimit: TIER_LIMIT });
      const cpuBefore = cpuMsOf(api.process.pid!);
      const started = performance.now();
      const results = await Promise.all(backers.map((id) => pledge(id, campaignId, tierId)));
      const wallMs = performance.now() - started;
      const cpuMs = cpuMsOf(api.process.pid!) - cpuBefore;
      const accepted = results.filter((r) => r.outcome === 'accepted').length;
      const errors = results.filter((r) => r.outcome.startsWith('error')).length;
      if (errors > 0) throw new Error(`unexpected errors: ${results.filter((r) => r.outcome.startsWith('error')).map((r) => r.outcome).join(', ')}`);
      await assertNotOversold(db.pool, tierId, accepted);
      apiRounds.push({ wallMs, cpuMs, latencies: results.map((r) => r.latency), accepted, rejected: results.length - accepted, errors });
    }

    // The baseline: the same conditional UPDATE and INSERT in one transaction, bare pg, a pool
    // as large as the api's (20).
    const bareRounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { campaignId, tierId } = await seedLiveCampaign(db.pool, { creatorId, goal: 100_000, deadline, tierLimit: TIER_LIMIT });
      const bare = async (backerId: string) => {
        const started = performance.now();
        const client = await db.pool.connect();
        let outcome = 'rejected';
        try {
          await client.query('BEGIN');
          const taken = await client.query(
            `UPDATE funding.reward_tiers SET claimed = claimed + 1 WHERE id = $1 AND (quantity_limit IS NULL OR claimed < quantity_limit) RETURNING id`,
            [tierId],
          );
          if (taken.rowCount === 1) {
            await client.query(
              `INSERT INTO funding.pledges (id, campaign_id, backer_id, tier_id, amount, currency, status, customer_id, payment_method_id)
               VALUES ($1, $2, $3, $4, 1000, 'EUR', 'PENDING', 'cus_bench', 'pm_card_visa')`,
              [newId('pledge'), campaignId, backerId, tierId],
            );
            outcome = 'accepted';
          }
          await client.query(outcome === 'accepted' ? 'COMMIT' : 'ROLLBACK');
        } finally {
          client.release();
        }
        return { latency: performance.now() - started, outcome };
      };
      const cpuBefore = ownCpuMs();
      const started = performance.now();
      const results = await Promise.all(backers.map((id) => bare(id)));
      const wallMs = performance.now() - started;
      const cpuMs = ownCpuMs() - cpuBefore;
      const accepted = results.filter((r) => r.outcome === 'accepted').length;
      await assertNotOversold(db.pool, tierId, accepted);
      bareRounds.push({ wallMs, cpuMs, latencies: results.map((r) => r.latency), accepted, rejected: results.length - accepted, errors: 0 });
    }

    const apiStats = apiRounds.map(summarize);
    const bareStats = bareRounds.map(summarize);
    const pick = (stats: ReturnType<typeof summarize>[], key: keyof ReturnType<typeof summarize>) => median(stats.map((s) => s[key]));
    const result = {
      benchmark: 'pledge-concurrency',
      concurrent: CONCURRENT,
      tierLimit: TIER_LIMIT,
      rounds: ROUNDS,
      oversold: 0,
      api: {
        requestsPerSecond: pick(apiStats, 'requestsPerSecond'),
        pledgesPerSecond: pick(apiStats, 'acceptedPerSecond'),
        p50Ms: pick(apiStats, 'p50'),
        p99Ms: pick(apiStats, 'p99'),
        cpuMsPerRequest: pick(apiStats, 'cpuMsPerRequest'),
      },
      bare: {
        requestsPerSecond: pick(bareStats, 'requestsPerSecond'),
        pledgesPerSecond: pick(bareStats, 'acceptedPerSecond'),
        p50Ms: pick(bareStats, 'p50'),
        p99Ms: pick(bareStats, 'p99'),
        cpuMsPerRequest: pick(bareStats, 'cpuMsPerRequest'),
      },
    };
    const ratio = {
      throughput: result.api.requestsPerSecond / result.bare.requestsPerSecond,
      p50: result.api.p50Ms / result.bare.p50Ms,
      p99: result.api.p99Ms / result.bare.p99Ms,
      cpuPerRequest: result.api.cpuMsPerRequest / result.bare.cpuMsPerRequest,
    };
    console.log(`\n## 1. ${CONCURRENT} concurrent pledges on one tier of ${TIER_LIMIT} (median of ${ROUNDS} rounds)`);
    console.log(`   oversold: 0 in every round (${TIER_LIMIT} accepted, ${CONCURRENT - TIER_LIMIT} answered CONFLICT "sold out"; claimed = live pledges = ${TIER_LIMIT})`);
    console.log(
      `   api (GraphQL over HTTP): ${result.api.requestsPerSecond.toFixed(0)} requests/s, ${result.api.pledgesPerSecond.toFixed(0)} pledges/s accepted, p50 ${ms(result.api.p50Ms)}, p99 ${ms(result.api.p99Ms)}, CPU ${ms(result.api.cpuMsPerRequest)}/request`,
    );
    console.log(
      `   bare pg (UPDATE + INSERT, one transaction): ${result.bare.requestsPerSecond.toFixed(0)} requests/s, ${result.bare.pledgesPerSecond.toFixed(0)} pledges/s accepted, p50 ${ms(result.bare.p50Ms)}, p99 ${ms(result.bare.p99Ms)}, CPU ${ms(result.bare.cpuMsPerRequest)}/request (this script's own)`,
    );
    console.log(
      `   ratio api / bare: throughput ${ratio.throughput.toFixed(3)} (${(1 / ratio.throughput).toFixed(1)}x slower), p50 ${ratio.p50.toFixed(1)}x, p99 ${ratio.p99.toFixed(1)}x, CPU per request ${ratio.cpuPerRequest.toFixed(1)}x`,
    );
    for (const [index, round] of apiRounds.entries()) {
      const s = apiStats[index];
      console.log(`     api round ${index + 1}: ${round.wallMs.toFixed(0)} ms wall, ${s.requestsPerSecond.toFixed(0)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`);
    }
    console.log(`BENCH_RESULT ${JSON.stringify({ ...result, ratio })}`);
  } finally {
    await api.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
