/** Writes schema.gql at the repository root from the code-first schema (CI fails on drift). */
import 'reflect-metadata';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApi } from '../apps/api/src/bootstrap';
import { withMigratedScratchDatabase } from './scratch';

async function main() {
  const sdl = await withMigratedScratchDatabase(async (databaseUrl, { config, logger }) => {
    const app = await createApi({ config, logger, databaseUrl });
    try {
      await app.init();
      return printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema));
    } finally {
      await app.close();
    }
  });
  const file = path.join(__dirname, '..', '..', 'schema.gql');
  writeFileSync(file, `# Emitted from the code-first schema by \`npm run schema:emit\`; do not edit.\n\n${sdl}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

void main();
