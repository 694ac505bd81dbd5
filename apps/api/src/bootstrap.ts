/**
 * Starting and stopping Foule, shared by the api, the worker, the scripts and the tests:
 * the database first (embedded PostgreSQL unless DATABASE_URL), migrations, then Nest.
 */
import { NestFactory } from '@nestjs/core';
import express, { type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  ConfigError,
  EmbeddedPostgresError,
  countStatements,
  loadConfig,
  PinoNestLogger,
  readOrCreateDevSecret,
  requestLogger,
  runMigrations,
  sendHttpError,
  startEmbeddedPostgres,
  trustFunction,
  type AppConfig,
} from '@foule/shared';
import path from 'node:path';
import { AppModule } from './app.module';
import { DATABASE_PARTS } from './database-parts';
import { developerPages } from './developer-pages';
import { lifecycle } from './lifecycle';
import { WEB_DIST, webClient } from './web-client';

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

/**
 * DATABASE_URL when set; otherwise a real PostgreSQL in DATA_DIR/pg that stops with the process.
 * When it cannot start: one fatal line naming the cause and the fix, and exit 1.
 */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const log = logger.child({ context: 'EmbeddedPostgres' });
  try {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      password: readOrCreateDevSecret(config.dataDir, 'pg-password'),
      database: 'foule',
      log: (message) => log.debug(message),
      notice: (message) => log.info(message),
    });
    log.info({ port: server.port }, 'embedded PostgreSQL started');
    return { url: server.url, embedded: true, stop: () => server.stop() };
  } catch (error) {
    const message = error instanceof EmbeddedPostgresError ? error.message : `Embedded PostgreSQL could not start: ${String(error)}`;
    log.fatal(message);
    process.exit(1);
  }
}

export interface StartOptions {
  config: AppConfig;
  logger: Logger;
  databaseUrl: string;
  /**
   * Where the boot migrations run: they hold a session advisory lock across statements, which a
   * pooler in transaction mode would hand to another client. DATABASE_DIRECT_URL; databaseUrl when unset.
   */
  migrationUrl?: string;
}

/** The migration URL of a process that uses `database`: DATABASE_DIRECT_URL beside DATABASE_URL, else the database itself. */
export function migrationUrlOf(config: AppConfig, database: Database): string {
  return (!database.embedded && config.databaseDirectUrl) || database.url;
}

export async function createApi(options: StartOptions): Promise<INestApplication> {
  const applied = await runMigrations(options.migrationUrl ?? options.databaseUrl, DATABASE_PARTS);
  if (applied.length) options.logger.info({ migrations: applied }, 'migrations applied');
  const processJobs = options.config.jobsInProcess;
  if (!processJobs) options.logger.info('JOBS_IN_PROCESS=false: this api enqueues jobs and runs none; apps/worker runs them');
  const app = await NestFactory.create(
    AppModule.forRoot({ ...options, serveHttp: true, processJobs }),
    // Our own JSON parser (below) rather than Nest's, so that its errors can be answered in
    // GraphQL's error shape by the handler that follows it.
    { logger: new PinoNestLogger(options.logger.child({ context: 'Nest' })), bodyParser: false },
  );
  // Express announces itself in X-Powered-By on every response; nothing gains from knowing.
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  // TRUST_PROXY: which proxies may name the client in X-Forwarded-For (req.ip, the per-address
  // limits). Off by default, so that a client cannot pick its own address by sending the header.
  http.set('trust proxy', trustFunction(options.config.trustProxy));
  // First: counts requests in flight, and refuses new ones once a shutdown drains (lifecycle.ts).
  app.use(lifecycle.middleware());
  app.use(requestLogger(options.logger));
  const pages = options.config.nodeEnv === 'production' ? undefined : developerPages();
  if (pages) app.use(pages);
  else if (options.config.nodeEnv !== 'production') {
    options.logger.info('the GraphQL IDE is not installed (a devDependency): /graphql answers GraphQL only');
  }
  // The client links to the developer pages only where they are served (never in production).
  const web = webClient(WEB_DIST, { developerPages: pages !== undefined });
  if (web) app.use(web);
  else options.logger.info('the web client is not built (dist/web): `node scripts/build.mjs` builds it');
  app.use(
    express.json({
      limit: '1mb',
      // Stripe signs the exact bytes it sent: the webhook verifies req.rawBody.
      verify: (request: IncomingMessage & { rawBody?: Buffer }, _response: unknown, body: Buffer) => {
        request.rawBody = body;
      },
    }),
  );
  app.use(bodyErrors);
  // In tests each GraphQL request counts its SQL statements (see QueryLog) for
  // extensions.sqlStatements. Only there: a context per request is measurable work on every
  // request, and nothing else reads the count.
  if (options.config.nodeEnv === 'test') {
    app.use('/graphql', (_request: unknown, _response: unknown, next: () => void) => countStatements(next));
  }
  return app;
}

/**
 * A body that is not JSON (or is too large) is answered in the error shape of every other
 * refusal, BAD_USER_INPUT, rather than in Express's own (an HTML page).
 */
function bodyErrors(error: { type?: string; status?: number; message?: string }, _request: unknown, response: Response, next: (error?: unknown) => void): void {
  const bodyError = error?.type === 'entity.parse.failed' || error?.type === 'entity.too.large';
  if (!bodyError) return next(error);
  const message =
    error.type === 'entity.too.large' ? 'The request body is too large' : `The request body is not valid JSON: ${error.message ?? 'unreadable'}`;
  sendHttpError(response, error.status ?? 400, 'BAD_USER_INPUT', message, { fields: [{ path: '', message }] });
}

export async function createWorker(options: StartOptions): Promise<INestApplicationContext> {
  await runMigrations(options.migrationUrl ?? options.databaseUrl, DATABASE_PARTS);
  // A worker always runs jobs, whatever JOBS_IN_PROCESS says about the api.
  return NestFactory.createApplicationContext(AppModule.forRoot({ ...options, serveHttp: false, processJobs: true }), {
    logger: new PinoNestLogger(options.logger.child({ context: 'Nest' })),
  });
}

/**
 * Stops on SIGINT/SIGTERM: the app first (requests, jobs, pools), then its database. Past twice
 * the drain time and 10 s more, the process exits anyway. Returns whether a stop has begun, so
 * that work the stop cuts short (the demo seed) is not taken for a failure to start.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger, drainSeconds = 10): () => boolean {
  let stopping = false;
  const forceAfterSeconds = 2 * drainSeconds + 10;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests in flight and running jobs');
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${forceAfterSeconds} s; exiting`);
      process.exit(1);
    }, forceAfterSeconds * 1000);
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
  return () => stopping;
}
