// The top self-time frames of a V8 CPU profile (`node --cpu-prof`), and self time per package:
//   node bench/cpu-profile-top.mjs <file.cpuprofile> [frames=25] [skip-seconds=0]
// skip-seconds leaves out the start (boot, module loading); percentages are of the busy samples
// (idle left out), so they say where the CPU time went.
// What bench/RESULTS.md quotes for the read benchmark (BENCH_READ_PROFILE=<dir>).
import { readFileSync } from 'node:fs';

const [file, count = '25', skipSeconds = '0'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTicks = new Map();
let at = 0;
let kept = 0;
let idle = 0;
profile.samples.forEach((sample, index) => {
  at += profile.timeDeltas[index];
  if (at < Number(skipSeconds) * 1e6) return;
  kept++;
  if (byId.get(sample).callFrame.functionName === '(idle)') return void idle++;
  selfTicks.set(sample, (selfTicks.get(sample) ?? 0) + 1);
});
const total = kept - idle;

/** What a frame belongs to: a package in node_modules, node's internals, our code, or V8 itself (GC, idle, program). */
function ownerOf(url, name) {
  if (!url) return `(${name.replace(/[()]/g, '')})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist')) return 'foule';
  return url;
}

const frames = new Map();
const owners = new Map();
for (const [id, ticks] of selfTicks) {
  const { callFrame } = byId.get(id);
  const owner = ownerOf(callFrame.url, callFrame.functionName || '(anonymous)');
  const key = `${callFrame.functionName || '(anonymous)'}  ${owner}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  frames.set(key, (frames.get(key) ?? 0) + ticks);
  owners.set(owner, (owners.get(owner) ?? 0) + ticks);
}
const percent = (ticks) => `${((ticks / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`${kept} samples after ${skipSeconds} s, ${((total / kept) * 100).toFixed(0)}% not idle; percentages of the busy ones`);
console.log('\nself time by frame:');
for (const [key, ticks] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) console.log(`  ${percent(ticks)}  ${key}`);
console.log('\nself time by owner:');
for (const [owner, ticks] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${percent(ticks)}  ${owner}`);
