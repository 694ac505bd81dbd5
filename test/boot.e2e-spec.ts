/**
 * `npm start` as a user runs it: embedded PostgreSQL in DATA_DIR, clean stop, restart on the
 * same data, recovery after the node process was killed, and a clear refusal of bad config.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './support/test-app';

const MAIN = path.resolve(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');
const WORKER = path.resolve(__dirname, '..', 'dist', 'apps', 'worker', 'src', 'main.js');

function embeddedEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', SEED_DEMO: 'false' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  return env;
}

const children = new Set<ChildProcess>();

async function startApi(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`api exited early:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/ready`)).status === 200) return { child, output: () => output };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`api not ready in 60 s:\n${output}`);
}

function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

// Each test starts and stops the api (and PostgreSQL) several times: minutes on a loaded machine.
jest.setTimeout(240_000);

describe('booting Foule on embedded PostgreSQL', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'foule-boot-'));
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exitOf(child);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, serves, stops cleanly with its PostgreSQL, restarts on the same data, and recovers after kill -9', async () => {
    const port = await freePort();
    const env = embeddedEnv(dataDir, port);

    const first = await startApi(env);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const signUp = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { signUp(input: { email: "boot@example.com", password: "long enough", handle: "booter", displayName: "Boot" }) { profile { id } } }`,
      }),
    });
    expect(((await signUp.json()) as any).data.signUp.profile.id).toMatch(/^prf_/);
    expect(first.output()).toMatch(/booted in \d+\.\d s/);
    const pid = postmasterPid(dataDir)!;
    expect(alive(pid)).toBe(true);

    first.child.kill('SIGINT');
    expect(await exitOf(first.child)).toBe(0);
    expect(alive(pid)).toBe(false);

    // Second start: same data, the profile is still there.
    const second = await startApi(env);
    const lookup = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ profile(handle: "booter") { displayName } }` }),
    });
    expect(((await lookup.json()) as any).data.profile.displayName).toBe('Boot');

    // kill -9 leaves PostgreSQL running; the next start must take over.
    const orphan = postmasterPid(dataDir)!;
    second.child.kill('SIGKILL');
    await exitOf(second.child);
    expect(alive(orphan)).toBe(true);
    const third = await startApi(env);
    expect(alive(orphan)).toBe(false);
    expect(third.output()).toMatch(/stopping a postmaster/);
    third.child.kill('SIGTERM');
    expect(await exitOf(third.child)).toBe(0);
  });

  it('a Ctrl-C while the demo crowd is being seeded on a new database is a clean shutdown: info lines only, exit 0, PostgreSQL stopped', async () => {
    const port = await freePort();
    const own = mkdtempSync(path.join(os.tmpdir(), 'foule-seed-stop-'));
    try {
      const api = await startApi({ ...embeddedEnv(own, port), SEED_DEMO: 'true' });
      // The seed runs through the api itself once it listens: stop it after its first request.
      const deadline = Date.now() + 30_000;
      while (!/"url":"\/graphql"\},"res"/.test(api.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const postmaster = postmasterPid(own)!;
      api.child.kill('SIGINT');
      expect(await exitOf(api.child)).toBe(0);
      const lines = api.output().split('\n').filter(Boolean);
      if (lines.some((line) => !line.includes('"level":30'))) console.log(lines.slice(-25).map((line) => line.slice(0, 400)).join('\n'));
      expect(lines.filter((line) => !line.includes('"level":30'))).toEqual([]);
      expect(api.output()).not.toMatch(/could not start|server is not running|Foule is ready/);
      expect(api.output()).toContain('stopped while the demo crowd was being seeded');
      expect(alive(postmaster)).toBe(false);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration with a message naming the variable', () => {
    const env = { ...embeddedEnv(dataDir, 0), PORT: 'eighty', PLATFORM_FEE_BPS: '-5' };
    const result = spawnSync(process.execPath, [MAIN], { env, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/PORT="eighty" is not valid: it accepts an integer/);
    expect(result.stderr).toMatch(/PLATFORM_FEE_BPS="-5" is not valid/);
  });

  it('runs a job-only worker beside the api, on the same embedded data, that stops cleanly', async () => {
    const port = await freePort();
    const api = await startApi(embeddedEnv(dataDir, port));
    // The worker gets the api's database through DATABASE_URL, as a scaled-out worker would.
    const url = /"port":(\d+),"msg":"embedded PostgreSQL started"/.exec(api.output());
    expect(url).not.toBeNull();
    const password = readFileSync(path.join(dataDir, 'secrets', 'pg-password'), 'utf8').trim();
    const databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${url![1]}/foule`;
    let output = '';
    const worker = spawn(process.execPath, [WORKER], {
      env: { ...embeddedEnv(dataDir, 0), DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(worker);
    worker.stdout.on('data', (chunk) => (output += chunk));
    worker.stderr.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 30_000;
    while (!output.includes('processing jobs') && Date.now() < deadline && worker.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output).toContain('Foule worker is processing jobs');
    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toBe(0);
    api.child.kill('SIGTERM');
    expect(await exitOf(api.child)).toBe(0);
  });

  it('reports not ready (503) while its database is down, and stays alive (/health 200); a signed-in request is told to retry (503), not a 500', async () => {
    const port = await freePort();
    const own = mkdtempSync(path.join(os.tmpdir(), 'foule-ready-'));
    const graphql = (query: string, variables: object = {}, token?: string) =>
      fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    try {
      const api = await startApi(embeddedEnv(own, port));
      const signedUp = await graphql('mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }', {
        input: { email: 'down@foule.test', password: 'correct horse battery', handle: 'down', displayName: 'Down' },
      });
      const { accessToken } = ((await signedUp.json()) as { data: { signUp: { accessToken: string } } }).data.signUp;
      const postmaster = postmasterPid(own)!;
      process.kill(postmaster, 'SIGKILL');
      let ready = 200;
      for (let i = 0; i < 50 && ready === 200; i++) {
        ready = (await fetch(`http://127.0.0.1:${port}/ready`)).status;
        if (ready === 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ready).toBe(503);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      // The session cannot be checked: 503 with Retry-After and the contract's code, no driver text.
      const refused = await graphql('{ me { id } }', {}, accessToken);
      const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect([refused.status, refused.headers.get('retry-after'), body.errors.map((error) => error.extensions.code)]).toEqual([503, '1', ['INTERNAL_SERVER_ERROR']]);
      expect(body.errors[0].message).toBe('The service is briefly unavailable: try again in a moment');
      api.child.kill('SIGTERM');
      await exitOf(api.child);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
