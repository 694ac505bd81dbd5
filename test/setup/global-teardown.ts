import { Client } from 'pg';

/**
 * Drops what the run made: every test file's copy of the template (named after it, so a file
 * that failed or a test that restarted its api after close() leaves nothing behind either) and
 * the template itself. On embedded PostgreSQL the whole cluster goes with the temp folder
 * anyway; on DATABASE_URL's server this keeps the run from leaving databases next to the
 * server's own.
 */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__FOULE_TEST_SERVER__;
  if (!state) return;
  const admin = new Client({ connectionString: state.server.urlFor('postgres') });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [`${state.template}_`],
    );
    for (const { datname } of rows) await state.server.dropDatabase(datname).catch(() => undefined);
  } catch {
    // Nothing to drop if the server is gone; the run's result stands.
  } finally {
    await admin.end().catch(() => undefined);
  }
  await state.server.dropDatabase(state.template).catch(() => undefined);
  await state.server.stop();
}
