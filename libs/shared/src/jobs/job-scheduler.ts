/**
 * Durable jobs on pg-boss (in the same PostgreSQL, SKIP LOCKED, safe with many workers),
 * behind one small typed helper: "run this at that time, once per key". Modules define their
 * queues and handlers at start-up; the api runs handlers in-process, `apps/worker` too.
 *
 * A job can be written in the caller's transaction (`manager`), which makes the job table
 * our transactional outbox: the job exists if and only if the state change committed.
 * Handlers must be idempotent: a job may run again after a crash, and a job that finds
 * nothing to do does nothing.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { JobsDatabase } from './jobs-database';
import { isLostJobOutcome, outcomeRetryDelay } from './lost-job-outcome';

export interface QueueDefinition<T extends object> {
  name: string;
  /** Work done for one job. Throwing schedules a retry with backoff. */
  handle: (data: T, job: { id: string; retryCount: number }) => Promise<void>;
  /** How many jobs of this queue one process runs at once. */
  concurrency?: number;
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time. */
  retryDelaySeconds?: number;
  /** How long one run may take before pg-boss assumes its worker died and runs it again (at most 24 h). */
  expireInSeconds?: number;
}

export interface JobsOptions {
  databaseUrl: string;
  /** False for processes that only enqueue. */
  process: boolean;
  pollingIntervalSeconds?: number;
}

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

const DEFAULT_EXPIRE_SECONDS = 15 * 60;
/** What pg-boss stores as a failed job's output, as its own fail() would. */
const asJobOutput = (error: Error) => ({ name: error.name, message: error.message, stack: error.stack });

interface SendOptions {
  /** At most one waiting job per key in this queue: a second schedule replaces the first. */
  key?: string;
  runAt?: Date;
  /** Write the job in this transaction. */
  manager?: EntityManager;
}

@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly boss: PgBoss;
  private readonly database: JobsDatabase;
  private readonly queues = new Map<string, QueueDefinition<object>>();
  private started = false;

  constructor(@Inject(JOBS_OPTIONS) private readonly options: JobsOptions) {
    this.database = new JobsDatabase(options.databaseUrl, (error) => this.logger.error(`pg-boss: ${error.message}`));
    this.boss = new PgBoss({
      db: this.database,
      schema: 'pgboss',
      // Supervision and scheduling need one process only; every process may still work.
      supervise: true,
      schedule: false,
    });
    this.boss.on('error', (error) => this.logger.error(`pg-boss: ${error.message}`));
    process.on('unhandledRejection', this.survivesLostJobOutcome);
  }

  /**
   * Writes a job's outcome ourselves, awaited and retried, before pg-boss writes it (see
   * lost-job-outcome.ts: it does not await its own write, so a connection dropped at that moment
   * would leave the job active until it expires: hours, for a settlement). pg-boss' write
   * afterwards finds the job no longer active and changes nothing. If every attempt fails, the
   * error goes to pg-boss, whose own write fails the job for a retry once the database is back.
   */
  private async recordOutcome(queue: string, jobId: string, failure: Error | undefined, expiresAt: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (failure === undefined) await this.boss.complete(queue, jobId);
        else await this.boss.fail(queue, jobId, asJobOutput(failure));
        return;
      } catch (error) {
        // While the database is out of reach, until the job would expire (outcomeRetryDelay); not once the scheduler stops.
        const delay = this.started ? outcomeRetryDelay(attempt, error, expiresAt - Date.now()) : undefined;
        if (delay === undefined) throw failure ?? error;
        if (attempt === 5) this.logger.warn(`the outcome of job ${jobId} (${queue}) cannot be written yet (${(error as Error).message}): trying again until the database is back`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** See lost-job-outcome.ts: pg-boss' unawaited outcome writes must not end the process when the database drops; anything else still does. */
  private readonly survivesLostJobOutcome = (reason: unknown): void => {
    if (!isLostJobOutcome(reason)) throw reason;
    this.logger.warn(`pg-boss could not write a job's outcome (${(reason as Error).message}); recordOutcome wrote it first, or the job runs again once it expires`);
  };

  /** Declares a queue and its handler; call from a module's constructor or onModuleInit. */
  define<T extends object>(queue: QueueDefinition<T>): void {
    if (this.started) throw new Error(`Queue ${queue.name} was defined after the job scheduler started`);
    if (this.queues.has(queue.name)) throw new Error(`Queue ${queue.name} is defined twice`);
    this.queues.set(queue.name, queue as QueueDefinition<object>);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.boss.start();
    for (const queue of this.queues.values()) {
      await this.boss.createQueue(queue.name, {
        name: queue.name,
        policy: 'standard',
        retryLimit: queue.retryLimit ?? 10,
        retryDelay: queue.retryDelaySeconds ?? 2,
        retryBackoff: true,
        expireInSeconds: queue.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS,
      });
    }
    this.started = true;
    if (!this.options.process) return;
    for (const queue of this.queues.values()) {
      const concurrency = queue.concurrency ?? 1;
      for (let worker = 0; worker < concurrency; worker++) {
        await this.boss.work<object>(
          queue.name,
          { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 1, batchSize: 1, includeMetadata: true },
          async ([job]) => {
            const expiresAt = Date.now() + (queue.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS) * 1000;
            let failure: Error | undefined;
            try {
              await queue.handle(job.data, { id: job.id, retryCount: job.retryCount });
            } catch (error) {
              failure = error instanceof Error ? error : new Error(String(error));
            }
            // Past its expiry pg-boss has failed the job already and may be running it again: its outcome is no longer ours to write.
            if (Date.now() < expiresAt) await this.recordOutcome(queue.name, job.id, failure, expiresAt);
            else if (failure !== undefined) throw failure;
          },
        );
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop(10_000);
    process.off('unhandledRejection', this.survivesLostJobOutcome);
  }

  /**
   * Stops fetching jobs and waits up to `timeoutMs` for the running handlers to finish (their safe
   * point: a handler is a transaction or idempotent steps), then closes pg-boss' pool (also when it
   * never started). Calling it again does nothing.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.started) {
      this.started = false;
      await this.boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
    }
    await this.database.close();
  }

  /** Runs `queue` with `data` at `runAt`, once per key: an earlier waiting job of the same key is replaced. */
  async scheduleAt<T extends object>(queue: string, key: string, runAt: Date, data: T, manager?: EntityManager): Promise<void> {
    await this.send(queue, data, { key, runAt, manager });
  }

  /** Runs `queue` with `data` as soon as a worker is free. */
  async enqueue<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<void> {
    await this.send(queue, data, options);
  }

  /**
   * Writes many jobs of `queue` in one statement (in `manager`'s transaction when given), for
   * fan-outs: 10,000 jobs cost one INSERT, not 10,000. No keys: the caller makes them unique.
   */
  async enqueueMany<T extends object>(queue: string, data: T[], options: { manager?: EntityManager } = {}): Promise<void> {
    if (!this.queues.has(queue)) throw new Error(`Unknown queue ${queue}`);
    if (data.length === 0) return;
    const manager = options.manager;
    const db = manager && {
      executeSql: async (text: string, values: unknown[]) => ({ rows: await manager.query(text, values) }),
    };
    await this.boss.insert(
      data.map((item) => ({ name: queue, data: item })),
      (db ? { db } : {}) as PgBoss.InsertOptions,
    );
  }

  private async send(queue: string, data: object, options: SendOptions): Promise<void> {
    if (!this.queues.has(queue)) throw new Error(`Unknown queue ${queue}`);
    const manager = options.manager;
    const db = manager && {
      executeSql: async (text: string, values: unknown[]) => ({ rows: await manager.query(text, values) }),
    };
    if (options.key) {
      const sql = `DELETE FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'`;
      if (options.manager) await options.manager.query(sql, [queue, options.key]);
      else await this.boss.getDb().executeSql(sql, [queue, options.key]);
    }
    await this.boss.send(queue, data, {
      singletonKey: options.key,
      startAfter: options.runAt,
      ...(db ? { db } : {}),
    } as PgBoss.SendOptions);
  }
}
