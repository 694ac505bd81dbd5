import type { DataSource, EntityManager } from 'typeorm';

/** Postgres error codes we act on. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_SERIALIZATION_FAILURE = '40001';
export const PG_DEADLOCK = '40P01';

export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (pgErrorCode(error) !== PG_UNIQUE_VIOLATION) return false;
  if (!constraint) return true;
  const candidate = error as { constraint?: string; driverError?: { constraint?: string } };
  return (candidate.driverError?.constraint ?? candidate.constraint) === constraint;
}

/**
 * Runs work in one transaction, or in the caller's when one is passed: services take an
 * optional EntityManager so that a facade call joins the transaction of its caller.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  manager: EntityManager | undefined,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (manager?.queryRunner?.isTransactionActive) return work(manager);
  return dataSource.transaction(work);
}

/**
 * The rows of an UPDATE or DELETE ... RETURNING. TypeORM answers those two commands with
 * `[rows, rowCount]` instead of the rows, so `const [row] = await manager.query('UPDATE ...')`
 * is always truthy: a conditional update that matched nothing would look as if it had matched.
 */
export async function updateReturning<T>(runner: Pick<EntityManager, 'query'>, sql: string, parameters: unknown[]): Promise<T[]> {
  if (!/^\s*(UPDATE|DELETE)\b/i.test(sql)) throw new Error('updateReturning is for UPDATE and DELETE statements');
  const result: unknown = await runner.query(sql, parameters);
  if (!Array.isArray(result) || !Array.isArray(result[0]) || typeof result[1] !== 'number') {
    throw new Error('Expected [rows, rowCount] from an UPDATE or DELETE');
  }
  return result[0] as T[];
}
