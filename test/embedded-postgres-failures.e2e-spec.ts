/**
 * When the embedded PostgreSQL cannot start, `npm start` says so in one line naming the cause
 * and the fix, and exits with 1: no unhandled 'error' event, no stack trace. The secrets it
 * generates into DATA_DIR are readable by their owner only.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './support/test-app';

const MAIN = path.resolve(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

async function runApi(dataDir: string, untilReady: boolean): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SEED_DEMO: 'false', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (untilReady) {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && child.exitCode === null; ) {
      if ((await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.status, () => 0)) === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
  }
  return { code: await exited, output };
}

/** The lines a failed start printed at level error or fatal. */
const failureLines = (output: string) => output.split('\n').filter((line) => /"level":(50|60)/.test(line) || /Error|\s+at /.test(line));

describe('embedded PostgreSQL failures', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'foule-pg-failure-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a cluster made with another password: one line naming the password file and the fix, exit 1', async () => {
    const first = await runApi(dataDir, true);
    expect(first.code).toBe(0);
    for (const file of readdirSync(path.join(dataDir, 'secrets'))) {
      expect([file, (statSync(path.join(dataDir, 'secrets', file)).mode & 0o777).toString(8)]).toEqual([file, '600']);
    }
    writeFileSync(path.join(dataDir, 'secrets', 'pg-password'), 'not the password of that cluster', { mode: 0o600 });

    const second = await runApi(dataDir, false);
    expect(second.code).toBe(1);
    const lines = failureLines(second.output);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).msg).toMatch(/^Embedded PostgreSQL could not start: .*another password.*pg-password.*\. Restore that file, or remove .* to start with an empty database$/);
  });

  it('a data directory that is not a cluster: one line saying so and what to do, exit 1', async () => {
    mkdirSync(path.join(dataDir, 'pg'));
    writeFileSync(path.join(dataDir, 'pg', 'something-else.txt'), 'not PostgreSQL');
    const result = await runApi(dataDir, false);
    expect(result.code).toBe(1);
    const lines = failureLines(result.output);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).msg).toMatch(/^Embedded PostgreSQL could not start: initdb stopped \(exit code 1\): .*exists but is not empty.*\. The data directory .* cannot be used as it is: move it aside/);
  });
});
