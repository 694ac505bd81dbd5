/** Applies pending migrations to DATABASE_URL, through DATABASE_DIRECT_URL when set (the app also does this at boot). */
import { createLogger, loadConfig } from '@foule/shared';
import { migrationUrlOf, openDatabase } from '../apps/api/src/bootstrap';
import { runMigrations } from '@foule/shared';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    const applied = await runMigrations(migrationUrlOf(config, database), DATABASE_PARTS);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
  } finally {
    await database.stop();
  }
}

void main();
