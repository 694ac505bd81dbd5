/**
 * Test support, not part of the product: boots the application (no HTTP, no job processing)
 * against DATABASE_URL and calls the FilesFacade the way the contest module does, on requests
 * read as JSON lines from stdin (the protocol of scripts/payments-harness.ts). claimAssets has
 * no GraphQL caller of its own yet; the files e2e tests drive it through this harness.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import { FilesFacade, type AssetPurpose } from '@foule/files';
import { DomainError, PinoNestLogger, createLogger, loadConfig } from '@foule/shared';
import { AppModule } from '../apps/api/src/app.module';

interface ClaimArgs {
  ownerId: string;
  assetIds: string[];
  purpose: AssetPurpose;
  path?: string;
}

async function settle(promise: Promise<unknown>) {
  try {
    return { ok: true, result: await promise };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: { name: 'DomainError', code: error.code, message: error.message, extensions: error.extensions } };
    return { ok: false, error: { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) } };
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('the files harness needs DATABASE_URL');
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, databaseUrl: config.databaseUrl, logger, serveHttp: false, processJobs: false }),
    { logger: new PinoNestLogger(logger.child({ context: 'Nest' })) },
  );
  await app.init();
  const files = app.get(FilesFacade);
  const dataSource = app.get<DataSource>(getDataSourceToken());

  /** In a transaction of its own, as the contest module's submitEntry would. */
  const claim = (args: ClaimArgs) =>
    dataSource.transaction((manager) => files.claimAssets(args.ownerId, args.assetIds, args.purpose, { manager, path: args.path }));

  const operations: Record<string, (args: never) => Promise<unknown>> = {
    claimAssets: claim,
    /** The same claim `times` times at once, each in its own transaction (two designers' tabs racing). */
    claimConcurrently: (args: ClaimArgs & { times: number }) => Promise.all(Array.from({ length: args.times }, () => settle(claim(args)))),
    findAssets: (args: { ids: string[] }) => files.findAssets(args.ids),
  };

  // bigint (perceptual hashes) crosses as a decimal string.
  const write = (message: object) =>
    process.stdout.write(`HARNESS ${JSON.stringify(message, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const { id, op, args } = JSON.parse(line) as { id: number; op: string; args: unknown };
    const operation = operations[op];
    const run = operation ? operation(args as never) : Promise.reject(new Error(`unknown harness operation ${op}`));
    void settle(run).then((outcome) => write({ id, ...outcome }));
  });
  lines.on('close', () => {
    void app.close().finally(() => process.exit(0));
  });
  write({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
