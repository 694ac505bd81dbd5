/**
 * Builds dist/ (the e2e tests run the real api as a child process), then prepares one
 * PostgreSQL per test run: an ephemeral embedded cluster (fsync off), or DATABASE_URL's
 * server when set. A template database is migrated once (with pg-boss's schema); every test
 * file then gets its own copy (CREATE DATABASE ... TEMPLATE), so files never share state.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { openScratchServer, runMigrations, scratchDatabaseName, type ScratchServer } from '@foule/shared';
import { DATABASE_PARTS } from '../../apps/api/src/database-parts';

declare global {
  var __FOULE_TEST_SERVER__: { server: ScratchServer; template: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const server = await openScratchServer({ databaseUrl: process.env.DATABASE_URL });
  const template = scratchDatabaseName('foule_template');
  const url = await server.createDatabase(template);
  await runMigrations(url, DATABASE_PARTS);
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 1, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  globalThis.__FOULE_TEST_SERVER__ = { server, template };
  process.env.FOULE_TEST_DATABASE_SERVER = server.urlFor('postgres');
  process.env.FOULE_TEST_TEMPLATE = template;
}
