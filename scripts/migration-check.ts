/** Fails when the entities and the migrations disagree (CI's drift check). */
import { pendingSchemaChanges } from '@foule/shared';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';
import { withMigratedScratchDatabase } from './scratch';

async function main() {
  const queries = await withMigratedScratchDatabase((url) => pendingSchemaChanges(url, DATABASE_PARTS));
  if (queries.length > 0) {
    console.error('Entities and migrations drifted; run npm run migration:generate. Missing SQL:');
    for (const query of queries) console.error(`  ${query}`);
    process.exit(1);
  }
  console.log('migrations: entities and migrations agree');
}

void main();
