/**
 * TypeORM's logger, as Foule uses it: counts the SQL statements each request runs (so tests
 * can hold list pages to a constant number of statements, whatever the page size) and logs
 * slow and failed queries through pino. It never prints every query.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as PinoLogger } from 'pino';
import type { Logger as TypeOrmLogger } from 'typeorm';

const requestStatements = new AsyncLocalStorage<{ count: number }>();

/** Runs `work` with a fresh statement counter; `statementsSoFar()` reads it within. */
export function countStatements<T>(work: () => T): T {
  return requestStatements.run({ count: 0 }, work);
}

export function statementsSoFar(): number | undefined {
  return requestStatements.getStore()?.count;
}

/** Queries slower than this are logged as warnings. */
export const SLOW_QUERY_MS = 500;

export class QueryLog implements TypeOrmLogger {
  constructor(private readonly logger?: PinoLogger) {}

  logQuery(): void {
    const store = requestStatements.getStore();
    if (store) store.count++;
  }

  // The statement and how many parameters it had, never their values (emails, password hashes, tokens).
  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    this.logQuery();
    this.logger?.debug({ err: error, query: query.slice(0, 500), parameterCount: parameters?.length ?? 0 }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ ms: time, query: query.slice(0, 500) }, 'slow query');
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger?.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn(String(message));
  }
}
