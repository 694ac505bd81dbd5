// `npm run bench`: the funding benchmarks of issue 4, each in its own process, printing its
// figures and its ratio to a baseline measured in the same run. Not part of `npm test`.
//   1. 200 concurrent pledges on one limited tier, api vs a bare pg script.
//   2. Settlement with the sandbox provider: 5,000 pledges (the baseline) vs 20,000.
// BENCH_SETTLEMENT_SIZES=1000,4000 overrides the sizes (the last one is compared with the first).
//   3. Boot of `npm start` on an existing data directory, spawn to /ready.
//   4. The web client's pages in Chromium on a new demo database, cold and warm (issue 14).
//   5. Read throughput (issue 13): the campaign list, the api vs a bare graphql-js + pg server.
//   6. Analytics: every analytics query cold and warm on a seeded crowd, and the pledges export.
// BENCH_ONLY=funding, boot, web, read or analytics runs one group.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => path.join(root, 'dist-testing', 'bench', file);

function run(file, args = [], nodeArgs = []) {
  const child = spawnSync(process.execPath, [...nodeArgs, dist(file), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = child.stdout.split('\n');
  for (const line of lines) if (line && !line.startsWith('BENCH_RESULT ')) console.log(line);
  if (child.status !== 0) throw new Error(`${file} ${args.join(' ')} failed with exit code ${child.status}`);
  const result = lines.find((line) => line.startsWith('BENCH_RESULT '));
  return JSON.parse(result.slice('BENCH_RESULT '.length));
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const only = process.env.BENCH_ONLY; // funding | boot | web | read | analytics: one group only
if (!only || only === 'funding') {
  console.log(
    `Foule funding benchmarks (node ${process.version}, ${process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded PostgreSQL, fsync off'})`,
  );
  run('pledge-concurrency.bench.js');

  const sizes = (process.env.BENCH_SETTLEMENT_SIZES ?? '5000,20000').split(',').map(Number);
  console.log(`\n## 2. Settlement of an ALL_OR_NOTHING campaign with the sandbox provider (batches of 200, 12 charges in flight, a batch recorded while the next is charged)`);
  console.log(
    `   memory sampled every 20 ms; "retained" is the heap after a full GC, forced once a second, i.e. what the process holds on to`,
  );
  const results = sizes.map((size) => run('settlement.bench.js', [String(size)], ['--expose-gc']));
  const [baseline, largest] = [results[0], results[results.length - 1]];
  console.log(
    `   ratio ${largest.pledges} / ${baseline.pledges} pledges (${(largest.pledges / baseline.pledges).toFixed(0)}x the size): ` +
      `throughput ${(largest.pledgesPerSecond / baseline.pledgesPerSecond).toFixed(2)}x, ` +
      `peak RSS ${(largest.memory.peakRss / baseline.memory.peakRss).toFixed(2)}x (${mb(baseline.memory.peakRss)} -> ${mb(largest.memory.peakRss)}), ` +
      `peak heap ${(largest.memory.peakHeap / baseline.memory.peakHeap).toFixed(2)}x (${mb(baseline.memory.peakHeap)} -> ${mb(largest.memory.peakHeap)}), ` +
      `retained heap ${(largest.memory.peakRetainedHeap / baseline.memory.peakRetainedHeap).toFixed(2)}x (${mb(baseline.memory.peakRetainedHeap)} -> ${mb(largest.memory.peakRetainedHeap)})`,
  );
  const grows =
    largest.memory.peakRetainedHeap > baseline.memory.peakRetainedHeap * 1.25 ||
    largest.memory.peakRss > baseline.memory.peakRss * 1.25;
  console.log(`   memory ${grows ? 'GROWS' : 'does not grow'} with the campaign's size`);
}

if (!only || only === 'boot') {
  // Boot of `npm start` on an existing data directory (issue 13: under 2 s).
  run('boot.bench.js');
}

if (!only || only === 'web') {
  console.log(`\n## 4. The web client's pages on a new demo database, in Chromium (issue 14: each under 1 s)`);
  run('web-pages.bench.js');
}

// Read throughput (issue 13): the api against the bare baseline (bench/baseline/read-server.ts).
if (!only || only === 'read') {
  console.log(`\n## 5. Read throughput (issue 13): the campaign list, first: 20 and first: 100, 50 connections`);
  run('read-throughput.bench.js');
}

// 4. Analytics (issue 12) on a seeded crowd: BENCH_ANALYTICS_PLEDGES pledges (default 1,000,000).
if (!only || only === 'analytics') {
  console.log(`\n## 6. Foule analytics benchmark (node ${process.version})`);
  run('analytics.bench.js');
}
