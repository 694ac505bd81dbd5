/**
 * The job-only process (`npm run start:worker`): the same modules as the api, no HTTP.
 * Run several beside one or more api instances to scale job processing out.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger } from '@foule/shared';
import { createWorker, loadConfigOrExit, openDatabase, stopOnSignals } from '../../api/src/bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  let worker: INestApplicationContext | undefined;
  try {
    worker = await createWorker({ config, logger, databaseUrl: database.url });
    stopOnSignals(async () => {
      await worker?.close();
      await database.stop();
    }, logger);
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
