/**
 * Runs the real api (the built `dist/apps/api/src/main.js`) as a child process against a
 * fresh copy of the migrated template database, and talks to it the way clients do: GraphQL
 * over HTTP. Out of process on purpose: it is what clients see, and a test can kill -9 it
 * mid-work and start it again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';

export interface GraphQLError {
  message: string;
  path?: string[];
  extensions: { code: string; fields?: { path: string; message: string }[]; [key: string]: unknown };
}

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: GraphQLError[];
  /** In test mode the api reports the SQL statements the request ran (extensions.sqlStatements). */
  extensions?: { sqlStatements?: number; [key: string]: unknown };
  status: number;
}

export interface TestApp {
  env: Record<string, string>;
  databaseUrl: string;
  baseUrl: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Runs SQL against the app's database, for assertions the API does not expose. */
  sql<T = Record<string, any>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Kills the process without warning (SIGKILL), as a crash would. */
  crash(): Promise<void>;
  /** Starts the api again on the same database (after crash() or close()). */
  restart(extraEnv?: Record<string, string>): Promise<void>;
  /** Everything the process printed, for diagnosis. */
  output(): string;
  /** Another api process on the same database (a second instance behind a load balancer). */
  startPeer(extraEnv?: Record<string, string>): Promise<{ baseUrl: string; stop(): Promise<void> }>;
  close(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

/** A port nothing listens on right now (tests are not where this must be race-free). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function createDatabaseFromTemplate(): Promise<string> {
  const serverUrl = process.env.FOULE_TEST_DATABASE_SERVER;
  const template = process.env.FOULE_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('The e2e global setup did not run (FOULE_TEST_TEMPLATE is unset)');
  const name = `foule_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Two files copying the template at the same moment collide; wait and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (error) {
        if (attempt >= 30 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The api exited with ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The api was not ready within 30 s:\n${output()}`);
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = await createDatabaseFromTemplate();
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATA_DIR: path.join(os.tmpdir(), `foule-test-data-${randomBytes(4).toString('hex')}`),
    JWT_SECRET: randomBytes(24).toString('hex'),
    SEED_DEMO: 'false',
    ADMIN_EMAILS: 'admin@foule.test',
    JOB_POLL_INTERVAL_SECONDS: '0.5',
    ...env,
    DATABASE_URL: databaseUrl,
  };
  let child: ChildProcess | undefined;
  let logs = '';
  let baseUrl = '';

  const spawnApi = async (extraEnv: Record<string, string>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const processEnv = { ...process.env, ...baseEnv, ...extraEnv, PORT: String(port), PUBLIC_URL: url };
    delete (processEnv as Record<string, string | undefined>).FOULE_TEST_TEMPLATE;
    const spawned = spawn(process.execPath, ['--enable-source-maps', MAIN], { env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.stdout.on('data', (chunk) => (logs += chunk));
    spawned.stderr.on('data', (chunk) => (logs += chunk));
    await waitUntilReady(url, spawned, () => logs);
    return { child: spawned, url };
  };

  const start = async (extraEnv: Record<string, string> = {}) => {
    const started = await spawnApi(extraEnv);
    child = started.child;
    baseUrl = started.url;
    testApp.baseUrl = baseUrl;
  };

  const kill = async (running: ChildProcess | undefined, signal: NodeJS.Signals) => {
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  const peers = new Set<ChildProcess>();

  const stop = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    await kill(running, signal);
  };

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  const testApp: TestApp = {
    env: baseEnv,
    databaseUrl,
    baseUrl,
    async gql(query, variables, token) {
      const call = request(baseUrl).post('/graphql').set('content-type', 'application/json');
      if (token) call.set('authorization', `Bearer ${token}`);
      const response = await call.send({ query, variables });
      return { ...response.body, status: response.status };
    },
    async sql(text, values) {
      return (await db.query(text, values as unknown[])).rows;
    },
    crash: () => stop('SIGKILL'),
    restart: (extraEnv) => start(extraEnv),
    output: () => logs,
    async startPeer(extraEnv = {}) {
      const peer = await spawnApi(extraEnv);
      peers.add(peer.child);
      return { baseUrl: peer.url, stop: () => kill(peer.child, 'SIGTERM') };
    },
    async close() {
      await Promise.all([...peers].map((peer) => kill(peer, 'SIGTERM')));
      await stop('SIGTERM');
      await db.end();
    },
  };
  await start();
  return testApp;
}
