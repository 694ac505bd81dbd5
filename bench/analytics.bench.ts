/**
 * Analytics at volume (issue 12): seeds a scratch database with `npm run seed:volume`'s crowd
 * (BENCH_ANALYTICS_PLEDGES pledges, default 1,000,000), then times every analytics query
 * through GraphQL over HTTP, cold (first call after the api starts) and warm (median and p99
 * of BENCH_ANALYTICS_RUNS calls), each beside a bare `SELECT count(*)` over the pledges
 * measured in the same run, then streams the pledges export and reports its rows/s and memory.
 * Prints BENCH_RESULT <json> for bench/run.mjs.
 *
 * Seeding a million pledges takes minutes: BENCH_ANALYTICS_DATABASE_URL names a database seeded
 * once with `npm run seed:volume` to use instead (migrated to the current schema, never dropped).
 * The api works on it while it runs (settles campaigns past their deadline, queues their notices,
 * which the next boot retries), so give each run a fresh copy:
 * `createdb -T foule_seeded foule_bench_run` and point BENCH_ANALYTICS_DATABASE_URL at the copy.
 */
import { randomBytes } from 'node:crypto';
import { AccessTokenService, loadConfig, runMigrations } from '@foule/shared';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';
import { seedVolume, volumeSizes } from '../scripts/volume-seed';
import { benchPool, cpuMsOf, mb, median, ms, openBenchDatabase, percentile, seedProfiles, sessionOf, startApi, type BenchDatabase } from './support';

const pledges = Number(process.env.BENCH_ANALYTICS_PLEDGES ?? 1_000_000);
const runs = Number(process.env.BENCH_ANALYTICS_RUNS ?? 30);

const QUERIES: Record<string, string> = {
  overview: `{ analytics { overview { campaignsLaunched successRate pledgedVolume { amount currency } collectedVolume { amount currency } platformFees { amount currency } contestsOpened entriesSubmitted prizeVolume { amount currency } activeProfiles } } }`,
  overviewLastMonth: `query($from: DateTime) { analytics { overview(from: $from) { campaignsLaunched pledgedVolume { amount currency } collectedVolume { amount currency } activeProfiles } } }`,
  fundingTimelinePlatform: `query($from: DateTime!, $to: DateTime!) { analytics { fundingTimeline(from: $from, to: $to, bucket: WEEK) { bucket pledgesCount newBackers pledged { amount currency } } } }`,
  fundingTimelineCampaign: `query($from: DateTime!, $to: DateTime!, $campaignId: ID) { analytics { fundingTimeline(campaignId: $campaignId, from: $from, to: $to) { bucket pledgesCount newBackers pledged { amount currency } } } }`,
  crowdOverlap: `{ analytics { crowdOverlap { backers designers creators backersWhoDesign creatorsRunningBoth } } }`,
  topDesigners: `{ analytics { topDesigners(first: 10) { designer { id handle } entries finalists wins winRate averageRating } } }`,
  categories: `{ analytics { categories { category campaigns successRate contests averageEntriesPerContest } } }`,
  asOf: `{ analytics { asOf } }`,
};

/** The database seeded once, migrated to the current schema; kept when done. */
async function openSeededDatabase(url: string): Promise<BenchDatabase> {
  await runMigrations(url, DATABASE_PARTS);
  const pool = benchPool(url);
  return { url, pool, close: () => pool.end() };
}

async function main() {
  const seeded = process.env.BENCH_ANALYTICS_DATABASE_URL;
  const db = seeded ? await openSeededDatabase(seeded) : await openBenchDatabase();
  const jwtSecret = randomBytes(24).toString('hex');
  try {
    let sizes = volumeSizes(pledges);
    let seedSeconds: number | null = null;
    if (seeded) {
      const { rows } = await db.pool.query<{ pledges: string }>(`SELECT count(*) AS pledges FROM funding.pledges`);
      sizes = volumeSizes(Number(rows[0].pledges));
      console.log(`\n## Analytics on ${JSON.stringify(sizes)} (the database seeded once, BENCH_ANALYTICS_DATABASE_URL)`);
    } else {
      console.log(`\n## Analytics on ${JSON.stringify(sizes)}`);
      const seedStarted = performance.now();
      await seedVolume(db.pool, sizes, (line) => console.log(`   ${line}`));
      seedSeconds = (performance.now() - seedStarted) / 1000;
      console.log(`   seed: ${seedSeconds.toFixed(1)} s`);
    }
    const [analystId] = await seedProfiles(db.pool, 1);
    await db.pool.query(`UPDATE community.profiles SET roles = '{MEMBER,ANALYST}' WHERE id = $1`, [analystId]);
    const token = new AccessTokenService(loadConfig({ JWT_SECRET: jwtSecret, DATA_DIR: '/tmp' })).sign(analystId, sessionOf(analystId)).token;

    const now = new Date();
    const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM funding.campaigns WHERE status = 'SUCCESSFUL' ORDER BY id LIMIT 1`);
    const variables: Record<string, Record<string, unknown>> = {
      overviewLastMonth: { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString() },
      fundingTimelinePlatform: { from: new Date(now.getTime() - 730 * 86_400_000).toISOString(), to: now.toISOString() },
      fundingTimelineCampaign: { from: new Date(now.getTime() - 730 * 86_400_000).toISOString(), to: now.toISOString(), campaignId: rows[0].id },
    };

    const api = await startApi(db.url, { JWT_SECRET: jwtSecret, RATE_LIMIT_PER_MINUTE: '1000000', SMTP_URL: 'smtp://127.0.0.1:9' }, 600_000); // at boot the api re-derives the deadline jobs of thousands of live campaigns and contests
    const results: Record<string, { coldMs: number; medianMs: number; p99Ms: number; countMedianMs: number; ratio: number }> = {};
    try {
      const ask = async (name: string) => {
        const started = performance.now();
        const response = await fetch(`${api.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUERIES[name], variables: variables[name] ?? {} }),
        });
        const body = (await response.json()) as { errors?: unknown };
        if (body.errors) throw new Error(`${name}: ${JSON.stringify(body.errors)}`);
        return performance.now() - started;
      };
      const count = async () => {
        const started = performance.now();
        await db.pool.query(`SELECT count(*) FROM funding.pledges`);
        return performance.now() - started;
      };
      console.log(`   ${'query'.padEnd(26)} ${'cold'.padStart(10)} ${'median'.padStart(10)} ${'p99'.padStart(10)}   count(*) median   ratio`);
      for (const name of Object.keys(QUERIES)) {
        const coldMs = await ask(name);
        const times: number[] = [];
        const counts: number[] = [];
        for (let i = 0; i < runs; i++) {
          times.push(await ask(name));
          counts.push(await count());
        }
        times.sort((a, b) => a - b);
        const medianMs = median(times);
        const countMedianMs = median(counts);
        results[name] = { coldMs, medianMs, p99Ms: percentile(times, 99), countMedianMs, ratio: medianMs / countMedianMs };
        console.log(
          `   ${name.padEnd(26)} ${ms(coldMs).padStart(10)} ${ms(medianMs).padStart(10)} ${ms(results[name].p99Ms).padStart(10)}   ${ms(countMedianMs).padStart(15)}   ${results[name].ratio.toFixed(2)}x`,
        );
      }

      // The pledges export, streamed; the api's memory sampled while it streams.
      const pid = api.process.pid!;
      const { readFileSync } = await import('node:fs');
      const rssOf = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
      const rssBefore = rssOf();
      let peakRss = rssBefore;
      const rssSamples: number[] = []; // every 500 ms, printed: flat memory is a flat line
      let ticks = 0;
      const sampler = setInterval(() => {
        const rss = rssOf();
        peakRss = Math.max(peakRss, rss);
        if (ticks++ % 10 === 0) rssSamples.push(rss);
      }, 50);
      // CPU seconds, steadier than wall time on a busy machine: the api's, this client's (reading
      // the response), and PostgreSQL's for the COPY (its backend and any parallel workers, found
      // by their query while it runs, each counted from when first seen: within 100 ms of its start).
      const ticksOf = (processId: number) => cpuMsOf(processId) / 10; // utime + stime, in 1/100 s
      const apiTicksBefore = ticksOf(pid);
      const clientCpuBefore = process.cpuUsage();
      const pgTicks = new Map<number, { first: number; last: number }>();
      let exporting = true;
      const pgWatch = (async () => {
        while (exporting) {
          const { rows: backends } = await db.pool.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT %' AND pid <> pg_backend_pid()`,
          );
          for (const { pid: backend } of backends) {
            try {
              const ticks = ticksOf(backend);
              const seen = pgTicks.get(backend);
              pgTicks.set(backend, { first: seen?.first ?? ticks, last: ticks });
            } catch {
              // gone, or PostgreSQL is not on this machine
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const started = performance.now();
      const response = await fetch(`${api.baseUrl}/analytics/export/pledges.csv`, { headers: { authorization: `Bearer ${token}` } });
      let lines = 0;
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 10) lines++;
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      exporting = false;
      await pgWatch;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const cpu = {
        api: (ticksOf(pid) - apiTicksBefore) / 100,
        client: (clientCpu.user + clientCpu.system) / 1e6,
        postgres: [...pgTicks.values()].reduce((sum, { first, last }) => sum + last - first, 0) / 100,
        postgresProcesses: pgTicks.size,
      };
      const exportRows = lines - 1;
      const exportCounts: number[] = [];
      for (let i = 0; i < 5; i++) exportCounts.push(await count());
      const exportCountMs = median(exportCounts);
      console.log(
        `   pledges.csv: ${exportRows} rows, ${mb(bytes)} in ${seconds.toFixed(1)} s = ${Math.round(exportRows / seconds)} rows/s; ` +
          `api RSS ${mb(rssBefore)} before, ${mb(peakRss)} at peak; ${(seconds * 1000 / exportCountMs).toFixed(1)}x a count(*) (${ms(exportCountMs)})`,
      );
      console.log(`   api RSS every 0.5 s during the export (MB): ${rssSamples.map((rss) => (rss / 1024 / 1024).toFixed(0)).join(' ')}`);
      console.log(
        `   CPU during the export: api ${cpu.api.toFixed(2)} s, this client ${cpu.client.toFixed(2)} s, ` +
          `PostgreSQL ${cpu.postgres.toFixed(2)} s (${cpu.postgresProcesses} process${cpu.postgresProcesses === 1 ? '' : 'es'}); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
      );
      console.log(
        `BENCH_RESULT ${JSON.stringify({ sizes, seedSeconds, queries: results, export: { rows: exportRows, seconds, rowsPerSecond: exportRows / seconds, rssBefore, peakRss, rssSamples, countMedianMs: exportCountMs, cpu } })}`,
      );
    } finally {
      await api.stop();
    }
  } finally {
    await db.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
