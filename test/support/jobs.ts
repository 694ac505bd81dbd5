/** Waiting on background jobs (pg-boss) by what they are, instead of for a fixed time. */
import type { TestApp } from './test-app';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Waits until every job of `queue` keyed `key` has finished (completed, failed or cancelled) and
 * returns their states; [] when none was ever queued. Use it before asserting that a job did
 * nothing: the assertion then holds after the job had its chance, not after a guessed delay.
 */
export async function finishedJobs(app: TestApp, queue: string, key: string, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let states: string[] = [];
  while (Date.now() < deadline) {
    states = (await app.sql(`SELECT state FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [queue, key])).map((row) => row.state);
    if (states.every((state) => FINISHED.has(state))) return states;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for the ${queue} jobs of ${key} to finish (states: ${states.join(', ')})`);
}
