/**
 * The job-only process (`npm run start:worker`): the same modules as the api, no HTTP.
 * Run several beside one or more api instances to scale job processing out.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger } from '@foule/shared';
import { createWorker, loadConfigOrExit, migrationUrlOf, openDatabase, stopOnSignals } from '../../api/src/bootstrap';
import { drainAndClose } from '../../api/src/lifecycle';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  let worker: INestApplicationContext | undefined;
  try {
    worker = await createWorker({ config, logger, databaseUrl: database.url, migrationUrl: migrationUrlOf(config, database) });
    const running = worker;
    // Running jobs reach their safe point first, then the pools close.
    stopOnSignals(
      async () => {
        await drainAndClose(running, undefined, config.shutdownDrainSeconds, logger);
        await database.stop();
      },
      logger,
      config.shutdownDrainSeconds,
    );
    await worker.init();
    logger.info('Foule worker is processing jobs');
  } catch (error) {
    logger.fatal({ err: error }, 'the worker could not start');
    await worker?.close().catch(() => undefined);
    await database.stop();
    process.exit(1);
  }
}

void main();
