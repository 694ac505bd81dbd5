/**
 * The api's CPU per pledge request, this build against another one, both running at once on one
 * database: blocks of 200 pledges (50 at a time, on a tier of 100, as in pledge-concurrency)
 * alternate between the two, in ABBA order, so load from the rest of the machine falls on both
 * alike. On a shared machine consecutive runs of pledge-concurrency move by more than a 10% cut
 * (its CPU per request spread over 2.5-4.3 ms for one build within minutes); this resolves it.
 *
 *   cp -r dist-testing /tmp/other/dist-testing && ln -s $PWD/node_modules /tmp/other/node_modules
 *   (build the other code there), then, with this build in dist-testing:
 *   BENCH_AB_OTHER=/tmp/other/dist-testing node dist-testing/bench/pledge-cpu-ab.bench.js
 *
 * BENCH_AB_BLOCKS pairs of blocks (default 30). Prints each build's CPU per request (the api
 * process's user + system time from /proc over its blocks), the median of the paired
 * differences and in how many pairs this build used less. Not part of `npm run bench` (it needs
 * the other build); no database schema change may lie between the two builds.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { cpuMsOf, median, openBenchDatabase, pledgeOverApi, seedLiveCampaign, seedProfiles, seedSignedInProfiles, startApi, type RunningApi } from './support';

const BACKERS = 200;
const IN_FLIGHT = 50;
const TIER_LIMIT = 100;
const BLOCKS = Number(process.env.BENCH_AB_BLOCKS ?? 30);

async function main(): Promise<void> {
  const other = process.env.BENCH_AB_OTHER;
  if (!other) throw new Error('BENCH_AB_OTHER=<another build\'s dist-testing folder> is required');
  const db = await openBenchDatabase();
  const jwtSecret = randomBytes(24).toString('hex');
  const apis: Record<'other' | 'this', RunningApi> = {
    other: await startApi(db.url, { JWT_SECRET: jwtSecret }, 60_000, path.resolve(other, 'apps', 'api', 'src', 'main.js')),
    this: await startApi(db.url, { JWT_SECRET: jwtSecret }),
  };
  try {
    const [creatorId] = await seedProfiles(db.pool, 1);
    const { ids: backers, tokenOf } = await seedSignedInProfiles(db.pool, BACKERS, jwtSecret);
    const deadline = new Date(Date.now() + 3600_000);

    const pledge = async (api: RunningApi, backerId: string, campaignId: string, tierId: string) => {
      const body = await pledgeOverApi(api.baseUrl, tokenOf.get(backerId)!, campaignId, tierId);
      if (!body.data?.pledge && body.errors?.[0]?.extensions?.code !== 'CONFLICT') throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
    };
    /** One block on a new campaign: every backer pledges once, IN_FLIGHT at a time; the api's CPU per request. */
    const block = async (api: RunningApi, tierLimit: number | null) => {
      const { campaignId, tierId } = await seedLiveCampaign(db.pool, { creatorId, goal: 100_000, deadline, tierLimit });
      const queue = [...backers];
      const before = cpuMsOf(api.process.pid!);
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let backer = queue.shift(); backer; backer = queue.shift()) await pledge(api, backer, campaignId, tierId);
        }),
      );
      return (cpuMsOf(api.process.pid!) - before) / BACKERS;
    };

    // Warm-up: each backer's provider customer exists (a returning backer), and the JIT has seen the path.
    for (const api of [apis.other, apis.this]) {
      await block(api, null);
      await block(api, TIER_LIMIT);
    }
    const cpu = { other: [] as number[], this: [] as number[] };
    for (let pair = 0; pair < BLOCKS; pair++) {
      for (const name of pair % 2 ? (['this', 'other'] as const) : (['other', 'this'] as const)) cpu[name].push(await block(apis[name], TIER_LIMIT));
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const differences = cpu.other.map((value, index) => value - cpu.this[index]);
    const result = {
      benchmark: 'pledge-cpu-ab',
      blocks: BLOCKS,
      other: { cpuMsPerRequest: mean(cpu.other), medianBlock: median(cpu.other) },
      this: { cpuMsPerRequest: mean(cpu.this), medianBlock: median(cpu.this) },
      ratio: mean(cpu.this) / mean(cpu.other),
      medianPairedSavingMs: median(differences),
      pairsThisLower: differences.filter((difference) => difference > 0).length,
      pairsTied: differences.filter((difference) => difference === 0).length,
    };
    console.log(`\n## The api's CPU per pledge request, ${BLOCKS} pairs of blocks of ${BACKERS} (${IN_FLIGHT} in flight, a tier of ${TIER_LIMIT})`);
    console.log(`   other (${other}): ${result.other.cpuMsPerRequest.toFixed(3)} ms/request (median block ${result.other.medianBlock.toFixed(2)} ms)`);
    console.log(`   this build: ${result.this.cpuMsPerRequest.toFixed(3)} ms/request (median block ${result.this.medianBlock.toFixed(2)} ms)`);
    console.log(
      `   ratio this / other ${result.ratio.toFixed(3)}; median paired saving ${result.medianPairedSavingMs.toFixed(2)} ms; this build lower in ${result.pairsThisLower} of ${BLOCKS} pairs (${result.pairsTied} tied)`,
    );
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    await apis.other.stop();
    await apis.this.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
