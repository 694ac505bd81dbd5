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

/** Whether an unhandled rejection is pg-boss failing to record a job's outcome because the database connection was lost. */
export function isLostJobOutcome(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const code = (reason as { code?: unknown }).code;
  const connectionLost = (typeof code === 'string' && CONNECTION_LOST_CODES.has(code)) || CONNECTION_LOST_MESSAGE.test(reason.message);
  // Only pg-boss' own bookkeeping: a lost connection in our code is awaited, and a rejection there is a bug.
  return connectionLost && /[\\/]pg-boss[\\/]/.test(reason.stack ?? '');
}
