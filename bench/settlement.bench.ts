/**
 * Benchmark 2 (issue 4): settling an ALL_OR_NOTHING campaign of N pending pledges with the
 * sandbox provider, in this process (the worker's modules, jobs in-process), so its memory
 * can be sampled: pledges charged per second and peak RSS and heap. Usage:
 * `node dist-testing/bench/settlement.bench.js <pledges>`; bench/run.mjs runs it for 5,000 and
 * 20,000 pledges and compares them (memory must not grow with the campaign's size).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, newId } from '@foule/shared';
import { createWorker } from '../apps/api/src/bootstrap';
import { BENCH_ENV, mb, openBenchDatabase, seedProfiles } from './support';

async function main(): Promise<void> {
  const pledges = Number(process.argv[2] ?? 20_000);
  if (!Number.isSafeInteger(pledges) || pledges < 1) throw new Error('usage: settlement.bench.js <pledges>');
  const db = await openBenchDatabase();
  try {
    const [creatorId] = await seedProfiles(db.pool, 1);
    const campaignId = newId('campaign');
    // One sandbox customer holds every saved card: the sandbox checks that the customer exists.
    await db.pool.query(
      `INSERT INTO payments.sandbox_requests (idempotency_key, operation, request_hash, object_id, response)
       VALUES ('bench:customer', 'ensureCustomer', 'bench', 'cus_bench', '{"customerId":"cus_bench"}')`,
    );
    // LIVE with its deadline just passed: the worker's boot re-derives the settlement job.
    await db.pool.query(
      `INSERT INTO funding.campaigns (id, slug, title, blurb, description, category, category_key, creator_id, status, funding_model,
                                      goal_amount, currency, deadline, launched_at, secret_reward_token)
       VALUES ($1, $1, 'Bench settlement', 'bench', 'bench', 'Bench', 'bench', $2, 'LIVE', 'ALL_OR_NOTHING', 100, 'EUR', now() - interval '1 second', now() - interval '1 hour', gen_random_uuid()::text)`,
      [campaignId, creatorId],
    );
    const ids = Array.from({ length: pledges }, () => newId('pledge'));
    const backers = Array.from({ length: pledges }, () => newId('profile'));
    for (let i = 0; i < pledges; i += 5000) {
      await db.pool.query(
        `INSERT INTO funding.pledges (id, campaign_id, backer_id, amount, currency, status, customer_id, payment_method_id)
         SELECT id, $1, backer, 1000 + (n % 9000), 'EUR', 'PENDING', 'cus_bench', 'pm_card_visa'
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(id, backer, n)`,
        [campaignId, ids.slice(i, i + 5000), backers.slice(i, i + 5000)],
      );
    }
    await db.pool.query('ANALYZE funding.pledges');

    const config = loadConfig({ ...process.env, ...BENCH_ENV, JWT_SECRET: randomBytes(24).toString('hex'), DATA_DIR: path.join(os.tmpdir(), 'foule-bench'), DATABASE_URL: db.url });
    const logger = createLogger('warn');
    global.gc?.();
    const idle = process.memoryUsage();
    let peakRss = idle.rss;
    let peakHeap = idle.heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }, 20);

    const worker = await createWorker({ config, logger, databaseUrl: db.url });
    await worker.init();
    global.gc?.();
    const booted = process.memoryUsage();
    // What the heap retains, as opposed to garbage not yet collected: sampled after a full GC.
    let peakRetained = booted.heapUsed;
    const retained = setInterval(() => {
      if (!global.gc) return;
      global.gc();
      peakRetained = Math.max(peakRetained, process.memoryUsage().heapUsed);
    }, 1000);
    const started = performance.now();
    for (;;) {
      const {
        rows: [row],
      } = await db.pool.query<{ done: boolean }>(`SELECT charges_completed_at IS NOT NULL AS done FROM funding.campaigns WHERE id = $1`, [campaignId]);
      if (row.done) break;
      if (performance.now() - started > 30 * 60_000) throw new Error('settlement did not finish within 30 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    clearInterval(retained);
    const {
      rows: [window],
    } = await db.pool.query<{ collected: number; seconds: number; entries: number }>(
      `SELECT count(*)::int AS collected, extract(epoch FROM max(collected_at) - min(collected_at))::float AS seconds,
              (SELECT count(*)::int FROM payments.journal_entries WHERE kind = 'pledge.collected') AS entries
         FROM funding.pledges WHERE campaign_id = $1 AND status = 'COLLECTED'`,
      [campaignId],
    );
    await worker.close();
    if (window.collected !== pledges || window.entries !== pledges) {
      throw new Error(`expected ${pledges} collected pledges and journal entries, found ${window.collected} and ${window.entries}`);
    }
    const result = {
      benchmark: 'settlement',
      pledges,
      wallSeconds: wallMs / 1000,
      chargingSeconds: window.seconds,
      pledgesPerSecond: pledges / window.seconds,
      memory: {
        idleRss: idle.rss,
        bootedRss: booted.rss,
        peakRss,
        bootedHeap: booted.heapUsed,
        peakHeap,
        peakRetainedHeap: peakRetained,
        rssGrowth: peakRss - booted.rss,
        heapGrowth: peakHeap - booted.heapUsed,
      },
    };
    console.log(
      `   ${pledges} pledges: charged in ${window.seconds.toFixed(1)} s (${result.pledgesPerSecond.toFixed(0)} pledges/s; ${result.wallSeconds.toFixed(1)} s from worker start), ` +
        `peak RSS ${mb(peakRss)} (booted ${mb(booted.rss)}, +${mb(result.memory.rssGrowth)}), peak heap ${mb(peakHeap)} (booted ${mb(booted.heapUsed)}), peak heap retained after GC ${mb(peakRetained)}`,
    );
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
