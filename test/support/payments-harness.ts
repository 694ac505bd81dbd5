/**
 * Drives the harness scripts (scripts/payments-harness.ts, scripts/files-harness.ts, built to dist-testing/) against a test app's database: the
 * PaymentsFacade as other modules call it, from a separate process, so concurrency and
 * crash tests go through real connections and real transactions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TestApp } from './test-app';

const SCRIPTS = path.resolve(__dirname, '..', '..', 'dist-testing', 'scripts');

export interface HarnessError {
  name: string;
  message: string;
  code?: string;
  extensions?: Record<string, any>;
  kind?: string;
  param?: string;
  violation?: string;
}

export type Settled<T = any> = { ok: true; result: T } | { ok: false; error: HarnessError };

export interface PaymentsHarness {
  /** Runs a facade operation; resolves with its outcome, never rejects for the operation's own errors. */
  call<T = any>(op: string, args?: unknown): Promise<Settled<T>>;
  /** Runs a facade operation and returns its result, failing the test on an error. */
  ok<T = any>(op: string, args?: unknown): Promise<T>;
  /** Runs a facade operation that must fail, and returns its error. */
  fails(op: string, args?: unknown): Promise<HarnessError>;
  close(): Promise<void>;
}

export function startPaymentsHarness(app: TestApp, env: Record<string, string> = {}): Promise<PaymentsHarness> {
  return startHarness('payments-harness', app, env);
}

/** Starts `dist-testing/scripts/<script>.js`, a harness speaking this protocol, on a test app's database. */
export async function startHarness(script: string, app: TestApp, env: Record<string, string> = {}): Promise<PaymentsHarness> {
  const processEnv: Record<string, string | undefined> = { ...process.env, ...app.env, DATABASE_URL: app.databaseUrl, ...env };
  if (!env.FOULE_FAULT) delete processEnv.FOULE_FAULT;
  delete processEnv.FOULE_TEST_TEMPLATE;
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', path.join(SCRIPTS, `${script}.js`)], { env: processEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const waiting = new Map<number, (outcome: Settled) => void>();
  let nextId = 1;
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('HARNESS ')) {
      output += `${line}\n`;
      return;
    }
    const { id, ...message } = JSON.parse(line.slice('HARNESS '.length));
    if (message.ready) return onReady();
    waiting.get(id)?.(message);
    waiting.delete(id);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const startup = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (startup === 'exited') throw new Error(`The ${script} exited before it was ready:\n${output}`);

  const call = <T>(op: string, args?: unknown) =>
    new Promise<Settled<T>>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  return {
    call,
    async ok<T>(op: string, args?: unknown) {
      const outcome = await call<T>(op, args);
      if (!outcome.ok) throw new Error(`${op} failed: ${JSON.stringify(outcome.error)}\n${output}`);
      return outcome.result;
    },
    async fails(op: string, args?: unknown) {
      const outcome = await call(op, args);
      if (outcome.ok) throw new Error(`${op} was expected to fail but answered ${JSON.stringify(outcome.result)}`);
      return outcome.error;
    },
    async close() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
