import { createLogger, loadConfig, openScratchServer, runMigrations, scratchDatabaseName, type AppConfig } from '@foule/shared';
import type { Logger } from 'pino';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';

/** Runs `work` against a freshly migrated throwaway database, then drops it. */
export async function withMigratedScratchDatabase<T>(
  work: (url: string, context: { config: AppConfig; logger: Logger }) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...process.env, SEED_DEMO: 'false' });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const server = await openScratchServer({ databaseUrl: config.databaseUrl });
  const name = scratchDatabaseName('foule_tool');
  try {
    const url = await server.createDatabase(name);
    await runMigrations(url, DATABASE_PARTS);
    return await work(url, { config, logger });
  } finally {
    await server.dropDatabase(name).catch(() => undefined);
    await server.stop();
  }
}
