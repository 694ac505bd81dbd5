import { types } from 'node:util';
import { Pool } from 'pg';
import { PooledClient } from '../database/pooled-client';

const FROM_JOBS_DATABASE = Symbol('foule.fromJobsDatabase');

/**
 * pg-boss' database (its `db` option): the pool it would open itself, with our client
 * (database/pooled-client.ts), and one difference: an error of any of its queries is marked as
 * coming from here. pg-boss leaves some of its own writes unawaited (lost-job-outcome.ts), and
 * their rejection must be told from ours by what it is: its stack cannot say, since in the bundled
 * api (scripts/build.mjs) pg-boss' frames do not name pg-boss' files.
 */
export class JobsDatabase {
  private readonly pool: Pool;
  private closed = false;

  constructor(databaseUrl: string, onError: (error: Error) => void) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 6, application_name: 'foule-jobs', Client: PooledClient });
    // An idle connection the server ended: the pool drops it and opens another when needed.
    this.pool.on('error', onError);
  }

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }> {
    // Once closed, a late call of pg-boss' loops (after stop()) does nothing, as on pg-boss' own
    // database; which answers undefined, and pg-boss reading its rows would be an unhandled TypeError.
    if (this.closed) return { rows: [], rowCount: 0 };
    try {
      return await this.pool.query(text, values);
    } catch (error) {
      throw markFromJobsDatabase(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** Marks `error` as the failure of a query that pg-boss ran. */
export function markFromJobsDatabase(error: unknown): unknown {
  if (types.isNativeError(error) && !(FROM_JOBS_DATABASE in error)) Object.defineProperty(error, FROM_JOBS_DATABASE, { value: true });
  return error;
}

/** Whether `error` is the failure of a query that pg-boss ran (on a JobsDatabase). */
export const isJobsDatabaseError = (error: unknown): boolean => types.isNativeError(error) && FROM_JOBS_DATABASE in error;
