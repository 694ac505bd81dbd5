import { types } from 'node:util';
import { isJobsDatabaseError } from './jobs-database';

/**
 * pg-boss 10.4 records a job's outcome without awaiting it: its worker loop calls
 * `this.complete(...)` and `this.fail(...)` and drops the promises (manager.js, `watch`'s
 * onFetch). When the database connection drops at that moment (a failover, a restart,
 * pg_terminate_backend), the rejection is unhandled and Node ends the whole api with it.
 * Nothing is lost by surviving it: JobScheduler writes each outcome itself first (awaited,
 * retried), and at worst the job stays active, expires and runs again, every handler being
 * idempotent. So that one rejection is a warning, and any other unhandled rejection still
 * ends the process, as Node's default does.
 */

/** SQLSTATEs and socket errors of a connection that went away (admin shutdown, crash shutdown, cannot connect now, connection failure). */
const CONNECTION_LOST_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const CONNECTION_LOST_MESSAGE = /Connection terminated|terminating connection|connection timeout|Client has encountered a connection error/i;

/** Whether an error says the database is out of reach (the connection went away, or none can be made now): one that ends when it is back. */
export function isDatabaseUnreachable(error: unknown): boolean {
  // Of any realm (isNativeError): an error the socket layer made is one too.
  if (!types.isNativeError(error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && CONNECTION_LOST_CODES.has(code)) || CONNECTION_LOST_MESSAGE.test(error.message);
}

/** Whether an unhandled rejection is pg-boss failing to record a job's outcome because the database connection was lost. */
export function isLostJobOutcome(reason: unknown): boolean {
  // Only pg-boss' own bookkeeping (a query on its JobsDatabase): a lost connection in our code is awaited, and a rejection there is a bug.
  return isDatabaseUnreachable(reason) && isJobsDatabaseError(reason);
}

/** The longest wait between two tries at writing a job's outcome while the database is out of reach. */
export const OUTCOME_RETRY_MAX_DELAY_MS = 2_000;

/**
 * How long to wait before trying again to write a job's outcome after `error` (the `attempt`-th
 * failure), or undefined to give up. Any error: five tries (100 ms, doubling). The database out
 * of reach (a restart, a failover: seconds, sometimes a minute): as long as the job is ours,
 * every 2 s at most, until `msLeft` before its expiry runs out. Giving up early leaves the job
 * active until it expires (hours, for a settlement), while the work is done and only its outcome
 * is missing.
 */
export function outcomeRetryDelay(attempt: number, error: unknown, msLeft: number): number | undefined {
  const delay = Math.min(100 * 2 ** (attempt - 1), OUTCOME_RETRY_MAX_DELAY_MS);
  if (delay >= msLeft) return undefined;
  if (attempt < 5 || isDatabaseUnreachable(error)) return delay;
  return undefined;
}
