/**
 * Boot of `npm start` on an existing data directory (issue 13: under 2 s): the built api
 * (embedded PostgreSQL in DATA_DIR, migrations checked, pg-boss, Nest, the GraphQL schema),
 * timed from spawn to the first `/ready` 200, after a first run has made the data directory.
 * Each run's log says where the time went (the api logs its phases at info). Prints the
 * median and the worst of ROUNDS boots, and the CPU time the api's process used until ready
 * (user + system, from /proc): on a busy machine wall time follows the load, CPU time much less.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@foule/shared';
import { cpuMsOf, median, ms } from './support';

const ROUNDS = Number(process.env.BENCH_BOOT_ROUNDS ?? 7);
const MAIN = path.resolve(__dirname, '..', 'apps', 'api', 'src', 'main.js');

interface Boot {
  readyMs: number;
  /** User + system CPU time of the api's process from spawn to ready (not its PostgreSQL's). */
  cpuMs: number;
  phases: { msg: string; at: number }[];
}

async function bootOnce(dataDir: string): Promise<Boot> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', SEED_DEMO: 'false' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  const started = performance.now();
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let readyMs = 0;
  let cpuMs = 0;
  for (const deadline = Date.now() + 60_000; ; ) {
    if (child.exitCode !== null) throw new Error(`the api exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the api was not ready within 60 s:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).status === 200) {
        readyMs = performance.now() - started;
        cpuMs = cpuMsOf(child.pid!);
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGTERM');
  await exited;
  const phases = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; time: string | number })
    .map((line) => ({ msg: line.msg.slice(0, 70), at: new Date(line.time).getTime() - startedAt }));
  return { readyMs, cpuMs, phases };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foule-boot-bench-'));
  try {
    // The first boot makes the data directory (initdb, migrations); it is not what is measured.
    const first = await bootOnce(dataDir);
    const boots: Boot[] = [];
    for (let round = 0; round < ROUNDS; round++) boots.push(await bootOnce(dataDir));
    const times = boots.map((boot) => boot.readyMs).sort((a, b) => a - b);
    const cpuTimes = boots.map((boot) => boot.cpuMs).sort((a, b) => a - b);
    const result = {
      benchmark: 'boot',
      rounds: ROUNDS,
      firstBootMs: first.readyMs,
      medianMs: median(times),
      worstMs: times[times.length - 1],
      medianCpuMs: median(cpuTimes),
      worstCpuMs: cpuTimes[cpuTimes.length - 1],
      goalMs: 2000,
    };
    console.log(`\n## Boot of npm start on an existing data directory (spawn to /ready 200, ${ROUNDS} boots)`);
    console.log(`   first boot (new data directory): ${ms(first.readyMs)}; then median ${ms(result.medianMs)}, worst ${ms(result.worstMs)} (goal: under 2 s)`);
    console.log(`   CPU time of the api's process until ready: median ${ms(result.medianCpuMs)}, worst ${ms(result.worstCpuMs)}`);
    const typical = boots.find((boot) => boot.readyMs === times[Math.floor(times.length / 2)])!;
    console.log('   where the median boot spent its time (ms from spawn, from its log):');
    for (const phase of typical.phases) console.log(`     ${String(phase.at).padStart(6)}  ${phase.msg}`);
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
