import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@foule/shared';
import { DataSource } from 'typeorm';
import { createApi, loadConfigOrExit, migrationUrlOf, openDatabase, stopOnSignals } from './bootstrap';
import { seedDemoCrowd } from './demo-seed';
import { drainAndClose } from './lifecycle';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  let app: INestApplication | undefined;
  let stopping = () => false;
  try {
    app = await createApi({ config, logger, databaseUrl: database.url, migrationUrl: migrationUrlOf(config, database) });
    const api = app;
    // Drain first (requests in flight, sockets, jobs), then the pools, then the database.
    stopping = stopOnSignals(
      async () => {
        await drainAndClose(api, api.getHttpServer(), config.shutdownDrainSeconds, logger);
        await database.stop();
      },
      logger,
      config.shutdownDrainSeconds,
    );
    await app.listen(config.port);
    if (config.seedDemo && database.embedded) {
      const dataSource = app.get(DataSource);
      await seedDemoCrowd(
        `http://127.0.0.1:${config.port}`,
        async () => (await dataSource.query('SELECT NOT EXISTS (SELECT 1 FROM community.profiles) AS empty'))[0].empty,
        logger,
      );
    }
  } catch (error) {
    // A Ctrl-C (or SIGTERM) while the demo crowd is seeded: its requests are refused by the
    // drain, which is the shutdown asked for, not a failure. The signal handler closes the app
    // and the database and exits 0; closing them here too would close the servers twice.
    if (stopping()) {
      logger.info('stopped while the demo crowd was being seeded: it is incomplete (start on a new DATA_DIR to seed it again)');
      return;
    }
    logger.fatal({ err: error }, 'Foule could not start');
    await app?.close().catch(() => undefined);
    await database.stop();
    process.exit(1);
  }
  if (stopping()) return; // stopped during the seed: not ready, and never said to be
  // From process start, so loading the code counts too.
  const bootMs = process.uptime() * 1000;
  logger.info({ bootMs: Math.round(bootMs) }, `Foule is ready at ${config.publicUrl}/graphql (booted in ${(bootMs / 1000).toFixed(1)} s)`);
}

void main();
