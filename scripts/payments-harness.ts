/**
 * Test support, not part of the product: boots the application (no HTTP, no job processing)
 * against DATABASE_URL and calls the PaymentsFacade, the way the funding and contest modules
 * do, on requests read as JSON lines from stdin. Answers are stdout lines starting with
 * `HARNESS `. The payments e2e tests (test/support/payments-harness.ts) drive it: most of the
 * facade has no GraphQL mutation of its own.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import { LedgerError, PaymentsFacade, ProviderError, type CreatePayoutInput, type JournalEntryInput } from '@foule/payments';
import { LedgerService, PAYMENT_PROVIDER, type PaymentProvider } from '@foule/payments/harness';
import { DomainError, PinoNestLogger, createLogger, loadConfig } from '@foule/shared';
import { AppModule } from '../apps/api/src/app.module';

type Operation = (args: never) => Promise<unknown>;

function describeError(error: unknown) {
  if (error instanceof DomainError) return { name: 'DomainError', code: error.code, message: error.message, extensions: error.extensions };
  if (error instanceof ProviderError) return { name: 'ProviderError', kind: error.kind, message: error.message, param: error.param };
  if (error instanceof LedgerError) return { name: 'LedgerError', violation: error.violation, message: error.message };
  return { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
}

async function settle(promise: Promise<unknown>) {
  try {
    return { ok: true, result: await promise };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('the payments harness needs DATABASE_URL');
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, databaseUrl: config.databaseUrl, logger, serveHttp: false, processJobs: false }),
    { logger: new PinoNestLogger(logger.child({ context: 'Nest' })) },
  );
  await app.init();
  const payments = app.get(PaymentsFacade);
  // Raw entries and balances are the ledger's own, below the facade's named movements.
  const ledger = app.get(LedgerService);
  const provider = app.get<PaymentProvider>(PAYMENT_PROVIDER);
  const dataSource = app.get<DataSource>(getDataSourceToken());

  /** One idempotent money mutation whose effect is a journal entry (so tests can count effects). */
  const idempotentEntry = (args: {
    profileId: string;
    operation: string;
    key: string;
    request: unknown;
    entry: JournalEntryInput;
    delayMs?: number;
    outcome?: 'ok' | 'domain-error' | 'unexpected-error' | 'complete-in-transaction';
  }) =>
    payments.runIdempotent({ profileId: args.profileId, operation: args.operation, key: args.key, request: args.request }, async (run) => {
      await sleep(args.delayMs ?? 0);
      return dataSource.transaction(async (manager) => {
        const entryId = await ledger.append(manager, args.entry);
        if (args.outcome === 'domain-error') throw new DomainError('CONFLICT', `refused after entry ${entryId}`);
        if (args.outcome === 'unexpected-error') throw new Error('the work failed unexpectedly');
        if (args.outcome === 'complete-in-transaction') await run.complete(manager, { entryId, completedInTransaction: true });
        return { entryId };
      });
    });

  const operations: Record<string, Operation> = {
    providerName: async () => provider.name,
    saveCard: (args) => payments.saveCard(args),
    chargeNow: (args) => payments.chargeNow(args),
    chargeSavedCard: (args) => payments.chargeSavedCard(args),
    refund: (args) => payments.refund(args),
    accountBalance: (args: { account: string; currency: string }) => ledger.balance(args.account, args.currency),
    payoutsEnabled: (args: { profileId: string }) => payments.payoutsEnabled(args.profileId),
    postJournalEntry: (args: { entry: JournalEntryInput }) => dataSource.transaction((manager) => ledger.append(manager, args.entry)),
    /** Each entry in its own transaction, all at once: what concurrent callers do. */
    postJournalEntriesConcurrently: (args: { entries: JournalEntryInput[] }) =>
      Promise.all(args.entries.map((entry) => settle(dataSource.transaction((manager) => ledger.append(manager, entry))))),
    /** Each entry in its own transaction, one after the other. */
    postJournalEntriesInOrder: async (args: { entries: JournalEntryInput[] }) => {
      const results = [];
      for (const entry of args.entries) results.push(await settle(dataSource.transaction((manager) => ledger.append(manager, entry))));
      return results;
    },
    /** All the entries in one transaction with one appendMany (what a settlement batch does): all committed, or none. */
    postJournalEntriesTogether: (args: { entries: JournalEntryInput[] }) =>
      dataSource.transaction((manager) => ledger.appendMany(manager, args.entries)),
    postJournalEntryOutsideTransaction: (args: { entry: JournalEntryInput }) => ledger.append(dataSource.manager, args.entry),
    /** A payout as a module makes one: in its transaction, after crediting what is owed. */
    createPayout: (args: { before?: JournalEntryInput[]; payout: CreatePayoutInput }) =>
      dataSource.transaction(async (manager) => {
        for (const entry of args.before ?? []) await ledger.append(manager, entry);
        return payments.createPayout(manager, args.payout);
      }),
    idempotentEntry,
    /** The same idempotent call `times` times at once. */
    idempotentEntryConcurrently: (args: Parameters<typeof idempotentEntry>[0] & { times: number }) =>
      Promise.all(Array.from({ length: args.times }, () => settle(idempotentEntry(args)))),
  };

  const write = (message: object) => process.stdout.write(`HARNESS ${JSON.stringify(message)}\n`);
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
