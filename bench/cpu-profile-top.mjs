// The top self-time frames of a V8 CPU profile (`node --cpu-prof`), self and inclusive time per
// package, and the top inclusive frames:
//   node bench/cpu-profile-top.mjs <file.cpuprofile> [frames=25] [skip-seconds=0]
// skip-seconds leaves out the start (boot, module loading); percentages are of the busy samples
// (idle left out), so they say where the CPU time went. BUSY_ONLY_CPU=1 also leaves out the
// samples inside the socket writes (writev, writeBuffer): on a loaded machine the thread is
// mostly taken off the core there when the write wakes a PostgreSQL backend, which the api's
// system time (/proc) shows is far less CPU than those samples.
// The api runs from one bundle (main.bundle.js): its frames are attributed to the module they
// came from by the bundler's `// node_modules/<package>/...` and `// dist.../libs/<lib>/...`
// region comments, so graphql, typeorm, Nest, Apollo and each lib show as themselves.
// What bench/RESULTS.md quotes for the read and pledge benchmarks (BENCH_READ_PROFILE=<dir>, BENCH_PLEDGE_PROFILE=<dir>).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [file, count = '25', skipSeconds = '0'] = process.argv.slice(2);
const leaveOutWrites = process.env.BUSY_ONLY_CPU === '1';
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Per bundle file: the first line of each module in it, and the module, in order. */
const bundles = new Map();
function regionsOf(url) {
  if (!bundles.has(url)) {
    const regions = [];
    try {
      readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const region = /^\/\/ ((?:node_modules|dist[\w-]*)\/\S+)$/.exec(line);
          if (region) regions.push([index, region[1]]);
        });
    } catch {
      // The bundle was rebuilt or removed since: its frames stay unattributed.
    }
    bundles.set(url, regions);
  }
  return bundles.get(url);
}
/** The module a bundle line belongs to (the last region starting at or before it). */
function moduleAt(url, line) {
  const regions = regionsOf(url);
  let low = 0;
  let high = regions.length - 1;
  let found = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (regions[middle][0] <= line) {
      found = regions[middle][1];
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** What a frame belongs to: a package in node_modules, node's internals, one of our libs, or V8 itself (GC, idle, program). */
function ownerOf(callFrame) {
  const { url, functionName, lineNumber } = callFrame;
  if (!url) return `(${(functionName || 'anonymous').replace(/[()]/g, '')})`;
  const source = url.endsWith('.bundle.js') ? (moduleAt(url, lineNumber) ?? url) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1];
  if (source.startsWith('node:')) return 'node internals';
  const lib = /dist[\w-]*\/((?:libs|apps)\/[^/]+)/.exec(source);
  if (lib) return `foule ${lib[1]}`;
  if (source.includes('/dist')) return 'foule';
  return source;
}
function frameOf(callFrame) {
  const { url, functionName, lineNumber } = callFrame;
  const source = url.endsWith('.bundle.js') ? (moduleAt(url, lineNumber) ?? url) : url;
  return `${functionName || '(anonymous)'}  ${ownerOf(callFrame)}${url ? `  ${source.replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : ''}`;
}

const self = { frames: new Map(), owners: new Map() };
const inclusive = { frames: new Map(), owners: new Map() };
const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
let at = 0;
let kept = 0;
let idle = 0;
profile.samples.forEach((sample, index) => {
  at += profile.timeDeltas[index];
  if (at < Number(skipSeconds) * 1e6) return;
  kept++;
  const { callFrame } = byId.get(sample);
  if (callFrame.functionName === '(idle)') return void idle++;
  if (leaveOutWrites && (callFrame.functionName === 'writev' || callFrame.functionName === 'writeBuffer')) return void idle++;
  add(self.frames, frameOf(callFrame));
  add(self.owners, ownerOf(callFrame));
  const frames = new Set();
  const owners = new Set();
  for (let id = sample; id !== undefined; id = parentOf.get(id)) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(root)') continue;
    frames.add(frameOf(frame));
    owners.add(ownerOf(frame));
  }
  for (const frame of frames) add(inclusive.frames, frame);
  for (const owner of owners) add(inclusive.owners, owner);
});
const total = kept - idle;
const percent = (ticks) => `${((ticks / total) * 100).toFixed(1).padStart(5)}%`;
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(
  `${kept} samples after ${skipSeconds} s, ${((total / kept) * 100).toFixed(0)}% not idle${leaveOutWrites ? ' (socket writes counted as idle)' : ''}; percentages of the busy ones`,
);
console.log('\nself time by frame:');
for (const [key, ticks] of top(self.frames, Number(count))) console.log(`  ${percent(ticks)}  ${key}`);
console.log('\nself time by owner:');
for (const [owner, ticks] of top(self.owners, 20)) console.log(`  ${percent(ticks)}  ${owner}`);
console.log('\ninclusive time by owner (a sample counts once for each owner on its stack):');
for (const [owner, ticks] of top(inclusive.owners, 25)) console.log(`  ${percent(ticks)}  ${owner}`);
console.log('\ninclusive time by frame:');
for (const [key, ticks] of top(inclusive.frames, Number(count) * 2)) console.log(`  ${percent(ticks)}  ${key}`);
