/**
 * A PgBouncer in transaction mode in front of the test database server, when the `pgbouncer`
 * binary is installed (Debian: `apt-get install pgbouncer`): what a managed PostgreSQL with a
 * pooler looks like. Clients are trusted on 127.0.0.1 (test only); PgBouncer logs in to the
 * server with the server URL's own user and password.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Client } from 'pg';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './test-app';

export interface Pooler {
  /** The same database as `directUrl`, through the pooler. */
  pooled(directUrl: string): string;
  /** Client connections PgBouncer holds for `database` now (its admin console's SHOW CLIENTS). */
  clientsOf(database: string): Promise<number>;
  stop(): Promise<void>;
}

/** Whether `pgbouncer` runs here. */
export function pgbouncerInstalled(): boolean {
  return spawnSync('pgbouncer', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startPgbouncer(serverUrl: string): Promise<Pooler> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const dir = path.join(os.tmpdir(), `foule-test-pgbouncer-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const user = decodeURIComponent(server.username || 'postgres');
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  writeFileSync(path.join(dir, 'userlist.txt'), `${quote(user)} ${quote(decodeURIComponent(server.password))}\n`);
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `admin_users = ${user}`,
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 40',
      // node-postgres sends none of these, but libpq-based tools may.
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; it drops to `nobody`, which must read its files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chmodSync(path.join(dir, file), file ? 0o644 : 0o755);
  const child: ChildProcess = spawn('pgbouncer', [...(asRoot ? ['-u', 'nobody'] : []), path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`PgBouncer did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pooled(directUrl) {
      const url = new URL(directUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    async clientsOf(database) {
      const admin = new Client({ host: '127.0.0.1', port, user, database: 'pgbouncer' });
      await admin.connect();
      try {
        // The admin console speaks the simple protocol only: a query without parameters.
        const { rows } = await admin.query<{ database: string }>('SHOW CLIENTS');
        return rows.filter((row) => row.database === database).length;
      } finally {
        await admin.end();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
