/**
 * Builds dist/ (the e2e tests run the real api as a child process) and dist-testing/ (the
 * payments harness process, which needs the product beside it), then prepares one
 * PostgreSQL per test run: an ephemeral embedded cluster (fsync off), or DATABASE_URL's
 * server when set. A template database is migrated once (with pg-boss's schema); every test
 * file then gets its own copy (CREATE DATABASE ... TEMPLATE), so files never share state.
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { EmbeddedPostgresError, openScratchServer, runMigrations, scratchDatabaseName, type ScratchServer } from '@foule/shared';
import { DATABASE_PARTS } from '../../apps/api/src/database-parts';

declare global {
  var __FOULE_TEST_SERVER__: { server: ScratchServer; template: string } | undefined;
}

/** Whether a Redis answers at the URL (the realtime test across instances needs one). */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 1000 });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export default async function globalSetup(): Promise<void> {
  const build = path.join(__dirname, '..', '..', 'scripts', 'build.mjs');
  execFileSync(process.execPath, [build], { stdio: 'inherit' });
  execFileSync(process.execPath, [build, '--testing'], { stdio: 'inherit' });
  const server = await openScratchServer({ databaseUrl: process.env.DATABASE_URL, notice: (message) => console.log(`\n${message}`) }).catch(
    (error: unknown) => {
      // One clear line (cause and fix) rather than jest's stack trace of the setup.
      if (!(error instanceof EmbeddedPostgresError)) throw error;
      console.error(`\n${error.message}`);
      process.exit(1);
    },
  );
  const template = scratchDatabaseName('foule_template');
  const url = await server.createDatabase(template);
  await runMigrations(url, DATABASE_PARTS);
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 1, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  globalThis.__FOULE_TEST_SERVER__ = { server, template };
  process.env.FOULE_TEST_DATABASE_SERVER = server.urlFor('postgres');
  process.env.FOULE_TEST_TEMPLATE = template;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (redisUrl && (await redisAnswers(redisUrl))) process.env.FOULE_TEST_REDIS_URL = redisUrl;
  else console.warn(`\nNo Redis at ${redisUrl}: the realtime-across-instances test is skipped (set TEST_REDIS_URL).`);
}
