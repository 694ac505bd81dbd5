import type { DataSourceOptions } from 'typeorm';
import { DataSource } from 'typeorm';
import { PooledClient } from './pooled-client';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** What a module contributes to the database: its entities and its migrations. */
export interface DatabasePart {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

export function dataSourceOptions(url: string, parts: DatabasePart[], extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: parts.flatMap((part) => part.entities as unknown[]) as DataSourceOptions['entities'],
    migrations: parts.flatMap((part) => part.migrations as unknown[]) as DataSourceOptions['migrations'],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    // A database that does not answer fails requests after 10 s instead of holding them forever.
    // A connection the server ends between two queries must not end the process (pooled-client.ts).
    extra: { max: 20, application_name: 'foule', connectionTimeoutMillis: 10_000, Client: PooledClient },
    ...extra,
  } as DataSourceOptions;
}

/** Session-level advisory lock key: only one process migrates at a time. */
const MIGRATION_LOCK = 0x466f756c; // "Foul"

/**
 * Applies pending migrations under an advisory lock, so several instances booting together
 * take turns; returns the names of the migrations it applied. The lock belongs to the session
 * (migrations run one transaction each, so no transaction-scoped lock spans them): `url` must be
 * a direct connection, never a pooler in transaction mode, which would run the lock and the
 * unlock on different server sessions (DATABASE_DIRECT_URL, see bootstrap's migrationUrlOf).
 */
export async function runMigrations(url: string, parts: DatabasePart[]): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, parts, { extra: { max: 1 } }));
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await dataSource.destroy();
  }
}

/** SQL that would bring the database in line with the entities: empty when nothing drifted. */
export async function pendingSchemaChanges(url: string, parts: DatabasePart[]): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, parts, { extra: { max: 1 } }));
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((query) => query.query);
  } finally {
    await dataSource.destroy();
  }
}
