/**
 * Starting and stopping Foule, shared by the api, the worker, the scripts and the tests:
 * the database first (embedded PostgreSQL unless DATABASE_URL), migrations, then Nest.
 */
import { NestFactory } from '@nestjs/core';
import express from 'express';
import type { IncomingMessage } from 'node:http';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  ConfigError,
  countStatements,
  loadConfig,
  PinoNestLogger,
  readOrCreateDevSecret,
  requestLogger,
  runMigrations,
  startEmbeddedPostgres,
  type AppConfig,
} from '@foule/shared';
import path from 'node:path';
import { AppModule } from './app.module';
import { DATABASE_PARTS } from './database-parts';

/** The validated config, or exit 2 with a message naming each bad variable (before any logger exists). */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise a real PostgreSQL in DATA_DIR/pg that stops with the process. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const log = logger.child({ context: 'EmbeddedPostgres' });
  const server = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'pg'),
    password: readOrCreateDevSecret(config.dataDir, 'pg-password'),
    database: 'foule',
    log: (message) => log.debug(message),
    notice: (message) => log.info(message),
  });
  log.info({ port: server.port }, 'embedded PostgreSQL started');
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

export interface StartOptions {
  config: AppConfig;
  logger: Logger;
  databaseUrl: string;
}

export async function createApi(options: StartOptions): Promise<INestApplication> {
  const applied = await runMigrations(options.databaseUrl, DATABASE_PARTS);
  if (applied.length) options.logger.info({ migrations: applied }, 'migrations applied');
  const app = await NestFactory.create(
    AppModule.forRoot({ ...options, serveHttp: true, processJobs: true }),
    // Our own JSON parser (below) rather than Nest's, so that its errors can be answered in
    // GraphQL's error shape by the handler that follows it.
    { logger: new PinoNestLogger(options.logger.child({ context: 'Nest' })), bodyParser: false },
  );
  app.use(requestLogger(options.logger));
  app.use(
    express.json({
      limit: '1mb',
      // Stripe signs the exact bytes it sent: the webhook verifies req.rawBody.
      verify: (request: IncomingMessage & { rawBody?: Buffer }, _response: unknown, body: Buffer) => {
        request.rawBody = body;
      },
    }),
  );
  app.use(graphqlBodyErrors);
  // Each GraphQL request counts its SQL statements (see QueryLog); tests read the count.
  app.use('/graphql', (_request: unknown, _response: unknown, next: () => void) => countStatements(next));
  return app;
}

/**
 * A /graphql body that is not JSON (or is too large) is answered in GraphQL's error shape,
 * BAD_USER_INPUT, like every other bad request, rather than in Express's own.
 */
function graphqlBodyErrors(
  error: { type?: string; status?: number; message?: string },
  request: { path: string },
  response: { status(code: number): { json(body: unknown): void } },
  next: (error?: unknown) => void,
): void {
  const bodyError = error?.type === 'entity.parse.failed' || error?.type === 'entity.too.large';
  if (!request.path.startsWith('/graphql') || !bodyError) return next(error);
  const message =
    error.type === 'entity.too.large' ? 'The request body is too large' : `The request body is not valid JSON: ${error.message ?? 'unreadable'}`;
  response.status(error.status ?? 400).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', fields: [{ path: '', message }] } }] });
}

export async function createWorker(options: StartOptions): Promise<INestApplicationContext> {
  await runMigrations(options.databaseUrl, DATABASE_PARTS);
  return NestFactory.createApplicationContext(AppModule.forRoot({ ...options, serveHttp: false, processJobs: true }), {
    logger: new PinoNestLogger(options.logger.child({ context: 'Nest' })),
  });
}

/** Stops on SIGINT/SIGTERM: the app first (requests, jobs, pools), then its database. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
