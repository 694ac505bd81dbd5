import { freePort } from '../database/embedded-postgres';
import { JobsDatabase, isJobsDatabaseError, markFromJobsDatabase } from './jobs-database';
import { OUTCOME_RETRY_MAX_DELAY_MS, isLostJobOutcome, outcomeRetryDelay } from './lost-job-outcome';

/** An error as a query fails with it: of pg-boss' (on its JobsDatabase), or of our own code. */
function failure(message: string, code: string | undefined, of: 'pg-boss' | 'ours'): Error {
  const error = Object.assign(new Error(message), { code });
  return of === 'pg-boss' ? (markFromJobsDatabase(error) as Error) : error;
}

describe('isLostJobOutcome', () => {
  it.each([
    ['an administrator ending the backend', 'terminating connection due to administrator command', '57P01'],
    ['a server shutting down', 'terminating connection due to administrator command', '57P02'],
    ['a server starting up', 'the database system is starting up', '57P03'],
    ['a refused connection', 'connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['a socket that closed', 'Connection terminated unexpectedly', undefined],
  ])('tolerates pg-boss losing a job outcome to %s', (_what, message, code) => {
    expect(isLostJobOutcome(failure(message, code, 'pg-boss'))).toBe(true);
  });

  it('does not tolerate a lost connection surfacing from our own code, whatever its stack says', () => {
    const ours = failure('Connection terminated unexpectedly', undefined, 'ours');
    ours.stack = `Error: ${ours.message}\n    at async Manager.complete (/app/node_modules/pg-boss/src/manager.js:217:9)`;
    expect(isLostJobOutcome(ours)).toBe(false);
  });

  it('does not tolerate other pg-boss errors, nor values that are not errors', () => {
    expect(isLostJobOutcome(failure('syntax error at or near "SELEC"', '42601', 'pg-boss'))).toBe(false);
    expect(isLostJobOutcome(failure('Cannot read properties of undefined', undefined, 'pg-boss'))).toBe(false);
    expect(isLostJobOutcome('Connection terminated unexpectedly')).toBe(false);
    expect(isLostJobOutcome(undefined)).toBe(false);
  });
});

describe('JobsDatabase', () => {
  it("marks its queries' failures as pg-boss' own, and does nothing once closed (as pg-boss' own database)", async () => {
    // A port nothing listens on: the query fails as it does while the database is down.
    const database = new JobsDatabase(`postgres://foule@127.0.0.1:${await freePort()}/foule`, () => undefined);
    const refused = await database.executeSql('SELECT 1').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isJobsDatabaseError(refused)).toBe(true);
    expect(isLostJobOutcome(refused)).toBe(true);
    await database.close();
    await expect(database.executeSql('SELECT 1')).resolves.toEqual({ rows: [], rowCount: 0 });
    await database.close();
  });
});

describe('outcomeRetryDelay', () => {
  const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const startingUp = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
  const other = Object.assign(new Error('permission denied for table job'), { code: '42501' });
  const hour = 3600_000;

  it('tries any error five times, 100 ms apart and doubling', () => {
    expect([1, 2, 3, 4].map((attempt) => outcomeRetryDelay(attempt, other, hour))).toEqual([100, 200, 400, 800]);
    expect(outcomeRetryDelay(5, other, hour)).toBeUndefined();
  });

  it('keeps trying while the database is out of reach (a restart longer than the five tries), at most 2 s apart', () => {
    for (const error of [unreachable, startingUp]) {
      expect(outcomeRetryDelay(5, error, hour)).toBe(1600);
      expect(outcomeRetryDelay(6, error, hour)).toBe(OUTCOME_RETRY_MAX_DELAY_MS);
      expect(outcomeRetryDelay(500, error, hour)).toBe(OUTCOME_RETRY_MAX_DELAY_MS);
    }
  });

  it('gives up when the next try would come after the job expires (pg-boss retries it then)', () => {
    expect(outcomeRetryDelay(8, unreachable, 1_500)).toBeUndefined();
    expect(outcomeRetryDelay(1, unreachable, 50)).toBeUndefined();
  });
});
