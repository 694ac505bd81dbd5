/**
 * npm run migration:generate -- <module> <Name>
 * Writes libs/<module>/src/migrations/<timestamp>-<Name>.ts with the SQL that brings a freshly
 * migrated database in line with the entities of that module's schema. Review it before committing.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pendingSchemaChanges } from '@foule/shared';
import { DATABASE_PARTS } from '../apps/api/src/database-parts';
import { withMigratedScratchDatabase } from './scratch';

async function main() {
  const [moduleName, name] = process.argv.slice(2);
  if (!moduleName || !name || !/^[A-Z]\w+$/.test(name)) {
    console.error('usage: npm run migration:generate -- <module> <PascalCaseName>');
    process.exit(2);
  }
  const queries = await withMigratedScratchDatabase((url) => pendingSchemaChanges(url, DATABASE_PARTS));
  const mine = queries.filter((query) => query.includes(`"${moduleName}".`));
  if (mine.length === 0) {
    console.log(`No changes for the ${moduleName} schema.`);
    return;
  }
  // Idempotent, so every generated migration can carry it: the first one creates the schema.
  mine.unshift(`CREATE SCHEMA IF NOT EXISTS "${moduleName}"`);
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const escape = (sql: string) => sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const file = path.join(__dirname, '..', '..', 'libs', moduleName, 'src', 'migrations', `${timestamp}-${name}.ts`);
  writeFileSync(
    file,
    `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${mine.map((query) => `    await queryRunner.query(\`${escape(query)}\`);`).join('\n')}
  }

  async down(): Promise<void> {
    throw new Error('${className} is not reversible: restore from a backup');
  }
}
`,
  );
  console.log(`Wrote ${path.relative(process.cwd(), file)} (${mine.length} statements). Add it to the module's index.ts.`);
}

void main();
