/**
 * `npm run seed:volume -- --pledges 1000000`: fills the database (embedded in DATA_DIR by
 * default, DATABASE_URL when set) with a crowd at volume, for analytics at scale. Refuses a
 * database that was seeded already.
 */
import { Pool } from 'pg';
import { createLogger, loadConfig, runMigrations } from '@foule/shared';
import { openDatabase } from '../apps/api/src/bootstrap';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';
import { seedVolume, volumeSizes } from './volume-seed';

function pledgesArgument(): number {
  const index = process.argv.indexOf('--pledges');
  const value = index >= 0 ? Number(process.argv[index + 1]) : 1_000_000;
  if (!Number.isSafeInteger(value) || value < 100) {
    console.error('--pledges takes a whole number of pledges, at least 100 (default 1000000)');
    process.exit(2);
  }
  return value;
}

async function main() {
  const sizes = volumeSizes(pledgesArgument());
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    await runMigrations(database.url, DATABASE_PARTS);
    const { rows } = await pool.query<{ seeded: boolean }>(`SELECT EXISTS (SELECT 1 FROM funding.campaigns WHERE slug = 'seed-1') AS seeded`);
    if (rows[0].seeded) {
      console.error('This database holds a volume seed already: use an empty one (another DATA_DIR or DATABASE_URL).');
      process.exitCode = 1;
      return;
    }
    console.log(`seeding ${JSON.stringify(sizes)}`);
    const started = performance.now();
    await seedVolume(pool, sizes, (line) => console.log(line));
    console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await pool.end();
    await database.stop();
  }
}

void main();
