import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, type ErrorCode, updateReturning } from '@foule/shared';
import type { StoredDomainError } from './idempotency-key.entity';
import { requestHash } from './request-hash';

/** How long a claim on a key lasts without renewal: a process that died lets go after this. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/** How long a concurrent caller waits for the first one before giving up with CONFLICT. */
const WAIT_LIMIT_MS = 60_000;
/** Tries at storing a failed run's outcome before leaving the key to its lease. */
const SETTLE_ATTEMPTS = 3;

export interface IdempotentRequest {
  /** Whose key it is: keys are unique per profile. */
  profileId: string;
  /** What the request does, e.g. 'funding.pledge'. The same key for another operation is a reuse. */
  operation: string;
  key: string;
  /** The request's parameters; their canonical JSON's sha256 is its fingerprint. */
  request: unknown;
}

/**
 * Handed to the work: `complete` stores the response inside the work's own transaction, so
 * the effect and its stored response commit together (a crash between the two cannot leave
 * an effect without a response). Optional: without it, the response is stored right after
 * the work returns.
 */
export interface IdempotentRun {
  complete(manager: EntityManager, response: unknown): Promise<void>;
}

/**
 * Handed to the work of runInOneTransaction. `complete` writes the key, already completed with
 * its response, inside the work's transaction: call it first there, so a concurrent request
 * with the same key waits on it and then answers what the first one stored. `hold` claims the
 * key with a lease before the work does something that only one request may do and that its
 * transaction cannot undo (charging a card now, then refunding it if the pledge is refused).
 */
export interface OneTransactionRun extends IdempotentRun {
  /** The profile's customer at the payment provider, read with the key: null when it has none yet. */
  readonly customerId: string | null;
  hold(): Promise<void>;
}

/**
 * The profile's provider customer, read in the same statement as the key: an SQL expression
 * over $1 (the profile) and $3 (`value`), from the customers' own service.
 */
export interface CustomerAlongside {
  expression: string;
  value: string;
}

/** The key was answered by a concurrent request with the same key: the work's transaction is rolled back, the stored answer is read. */
class KeyAnsweredElsewhere extends Error {
  constructor() {
    super('A concurrent request with this idempotency key answered first');
  }
}

interface KeyRow {
  operation: string;
  request_hash: string;
  state: 'in_progress' | 'completed' | 'failed';
  response: unknown;
  error: StoredDomainError | null;
  lease_expired: boolean;
}

/** The stored form of a response: what a replay returns, so the first call returns it too. */
function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/**
 * Idempotency keys for money mutations, one mechanism for every module: the first request
 * with a key runs and its JSON result is stored; a replay of the same request gets the stored
 * result without running again; another request under the same key is IDEMPOTENCY_KEY_REUSED;
 * concurrent requests with one key wait for the first and get its result. A DomainError is an
 * answer and is stored (a replay throws it again, as Stripe replays its errors); any other
 * error releases the key so the request can be retried.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The same guarantees as `run`, in fewer statements and commits: the key is read once (with
   * the profile's provider customer, which every money mutation needs next), and written only
   * in the work's own transaction, completed, by `run.complete` (or, for a refused request,
   * failed, right after). A concurrent request with the same key blocks on that write until the
   * first commits, then rolls its work back and answers what the first stored; a replay reads
   * the stored answer. Work that must not run twice concurrently calls `run.hold()` first, and
   * is then leased exactly as in `run`. The work's effects outside its transaction (provider
   * calls) must be idempotent by a key derived from this one: concurrent requests may both make
   * them, and get the same answer.
   */
  async runInOneTransaction<T>(input: IdempotentRequest, customer: CustomerAlongside, work: (run: OneTransactionRun) => Promise<T>): Promise<T> {
    this.checkKey(input);
    const hash = requestHash(input.request);
    const giveUpAt = Date.now() + WAIT_LIMIT_MS;
    for (let attempt = 0; ; attempt++) {
      const { row, customerId } = await this.readWithCustomer(input, customer);
      if (row) {
        if (row.operation !== input.operation || row.request_hash !== hash) throw this.reused();
        if (row.state === 'completed') return row.response as T;
        if (row.state === 'failed') throw this.toDomainError(row.error!);
        if (!row.lease_expired) {
          // Held by a request that is running: wait for its answer.
          if (Date.now() > giveUpAt) throw DomainError.conflict('A request with this idempotency key is still being processed; retry it later');
          await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 250)));
          continue;
        }
        // Its process died holding it: the work below takes it over (the writes below allow it).
      }
      const owner = randomUUID();
      let held = false;
      let completed = false;
      let renew: NodeJS.Timeout | undefined;
      const run: OneTransactionRun = {
        customerId,
        hold: async () => {
          if (!(await this.claim(input, hash, owner))) throw new KeyAnsweredElsewhere();
          held = true;
          renew = this.renewLease(input, owner);
        },
        complete: async (manager, response) => {
          const written = held
            ? await this.completeHeld(manager, input, owner, response)
            : await manager.query<unknown[]>(
                `INSERT INTO payments.idempotency_keys AS k (profile_id, key, operation, request_hash, state, response, completed_at)
                 VALUES ($1, $2, $3, $4, 'completed', $5, now())
                 ON CONFLICT (profile_id, key) DO UPDATE
                   SET state = 'completed', response = EXCLUDED.response, completed_at = now(), locked_by = NULL, locked_until = NULL
                   WHERE k.state = 'in_progress' AND k.locked_until < now()
                     AND k.operation = EXCLUDED.operation AND k.request_hash = EXCLUDED.request_hash
                 RETURNING 1`,
                [input.profileId, input.key, input.operation, hash, JSON.stringify(asJson(response))],
              );
          if (written.length !== 1) throw new KeyAnsweredElsewhere();
          completed = true;
        },
      };
      try {
        const result = await work(run);
        if (!completed) throw new Error(`Idempotency key ${input.key} was not completed by its work`);
        return asJson(result) as T;
      } catch (error) {
        if (error instanceof KeyAnsweredElsewhere) continue;
        if (held) {
          await this.releaseHeld(input, owner, error);
          throw error;
        }
        if (error instanceof DomainError) {
          const stored = await this.dataSource.query<unknown[]>(
            `INSERT INTO payments.idempotency_keys AS k (profile_id, key, operation, request_hash, state, error, completed_at)
             VALUES ($1, $2, $3, $4, 'failed', $5, now())
             ON CONFLICT (profile_id, key) DO UPDATE
               SET state = 'failed', error = EXCLUDED.error, completed_at = now(), locked_by = NULL, locked_until = NULL
               WHERE k.state = 'in_progress' AND k.locked_until < now()
                 AND k.operation = EXCLUDED.operation AND k.request_hash = EXCLUDED.request_hash
             RETURNING 1`,
            [input.profileId, input.key, input.operation, hash, JSON.stringify(this.toStored(error))],
          );
          // Another request with this key answered meanwhile: its answer is the key's.
          if (stored.length === 0) continue;
        }
        throw error;
      } finally {
        if (renew) clearInterval(renew);
      }
    }
  }

  async run<T>(input: IdempotentRequest, work: (run: IdempotentRun) => Promise<T>): Promise<T> {
    this.checkKey(input);
    const hash = requestHash(input.request);
    const owner = randomUUID();
    const giveUpAt = Date.now() + WAIT_LIMIT_MS;
    for (let attempt = 0; ; attempt++) {
      if (await this.claim(input, hash, owner)) return this.runClaimed(input, owner, work);
      const row = await this.read(input);
      if (!row) continue; // released by a failed attempt: claim it again
      if (row.operation !== input.operation || row.request_hash !== hash) throw this.reused();
      if (row.state === 'completed') return row.response as T;
      if (row.state === 'failed') throw this.toDomainError(row.error!);
      if (row.lease_expired) continue; // its process died: the next claim takes it over
      if (Date.now() > giveUpAt) {
        throw DomainError.conflict('A request with this idempotency key is still being processed; retry it later');
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 250)));
    }
  }

  /** Inserts the key as ours, or takes over a same-request claim whose process died. */
  private async claim(input: IdempotentRequest, hash: string, owner: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO payments.idempotency_keys AS k (profile_id, key, operation, request_hash, state, locked_by, locked_until)
       VALUES ($1, $2, $3, $4, 'in_progress', $5, now() + $6 * interval '1 millisecond')
       ON CONFLICT (profile_id, key) DO UPDATE SET locked_by = EXCLUDED.locked_by, locked_until = EXCLUDED.locked_until
         WHERE k.state = 'in_progress' AND k.locked_until < now()
           AND k.operation = EXCLUDED.operation AND k.request_hash = EXCLUDED.request_hash
       RETURNING 1`,
      [input.profileId, input.key, input.operation, hash, owner, LEASE_MS],
    );
    return rows.length === 1;
  }

  private async runClaimed<T>(input: IdempotentRequest, owner: string, work: (run: IdempotentRun) => Promise<T>): Promise<T> {
    const renew = this.renewLease(input, owner);
    // Set once the work stored its response in its own transaction (then nothing is left to write).
    let completedInWork: unknown;
    let completedByWork = false;
    const complete = async (manager: EntityManager, response: unknown): Promise<void> => {
      const completed = await this.completeHeld(manager, input, owner, response);
      if (completed.length !== 1) throw new Error(`Lost the claim on idempotency key ${input.key}`);
      completedByWork = true;
      completedInWork = asJson(response);
    };
    try {
      const result = await work({ complete });
      if (completedByWork) return completedInWork as T;
      const response = asJson(result);
      const completed = await updateReturning(
        this.dataSource,
        `UPDATE payments.idempotency_keys SET state = 'completed', response = $4, completed_at = now(), locked_by = NULL, locked_until = NULL
          WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress' RETURNING key`,
        [input.profileId, input.key, owner, JSON.stringify(response)],
      );
      if (completed.length === 1) return response as T;
      // The work completed the key in its own transaction (or, after a lost lease, another
      // process did): the stored response is the answer.
      const row = await this.read(input);
      if (row?.state === 'completed') return row.response as T;
      throw new Error(`Idempotency key ${input.key} was not completed by its work`);
    } catch (error) {
      await this.releaseHeld(input, owner, error);
      throw error;
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Stores a refusal or lets go of the claim after a failed run. The failure is often the
   * database connection itself (a failover, a restart): the pool hands out a fresh connection
   * on the next attempt, and without it the client's retry would wait out the whole lease. If
   * every attempt fails, the lease still expires; the caller's own error is what it gets.
   */
  private async settleClaim(input: IdempotentRequest, sql: string, parameters: unknown[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await updateReturning(this.dataSource, sql, parameters);
        return;
      } catch (error) {
        if (attempt >= SETTLE_ATTEMPTS) {
          this.logger.warn(`could not settle idempotency key ${input.key} (${String(error)}); it is free again once its lease expires`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private checkKey(input: IdempotentRequest): void {
    if (typeof input.key !== 'string' || input.key.length < 1 || input.key.length > 255) {
      throw DomainError.badField('idempotencyKey', 'must be 1 to 255 characters');
    }
  }

  private reused(): DomainError {
    return new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different request');
  }

  /** Renews our lease on a held key until cleared, so a long request keeps it. */
  private renewLease(input: IdempotentRequest, owner: string): NodeJS.Timeout {
    const renew = setInterval(() => {
      updateReturning(
        this.dataSource,
        `UPDATE payments.idempotency_keys SET locked_until = now() + $4 * interval '1 millisecond'
          WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
        [input.profileId, input.key, owner, LEASE_MS],
      ).catch((error: unknown) => this.logger.warn(`could not renew the lease on an idempotency key: ${String(error)}`));
    }, RENEW_EVERY_MS);
    renew.unref();
    return renew;
  }

  private completeHeld(manager: EntityManager, input: IdempotentRequest, owner: string, response: unknown): Promise<unknown[]> {
    return updateReturning(
      manager,
      `UPDATE payments.idempotency_keys SET state = 'completed', response = $4, completed_at = now(), locked_by = NULL, locked_until = NULL
        WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress' RETURNING key`,
      [input.profileId, input.key, owner, JSON.stringify(asJson(response))],
    );
  }

  /** A held key after its work failed: a DomainError is its stored answer; any other error lets the key go, so the request can be retried. */
  private async releaseHeld(input: IdempotentRequest, owner: string, error: unknown): Promise<void> {
    if (error instanceof DomainError) {
      await this.settleClaim(
        input,
        `UPDATE payments.idempotency_keys SET state = 'failed', error = $4, completed_at = now(), locked_by = NULL, locked_until = NULL
          WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
        [input.profileId, input.key, owner, JSON.stringify(this.toStored(error))],
      );
    } else {
      await this.settleClaim(
        input,
        `DELETE FROM payments.idempotency_keys WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
        [input.profileId, input.key, owner],
      );
    }
  }

  private toStored(error: DomainError): StoredDomainError {
    return { code: error.code, message: error.message, extensions: error.extensions };
  }

  /** The key's row, if any, and the profile's provider customer: one statement. */
  private async readWithCustomer(input: IdempotentRequest, customer: CustomerAlongside): Promise<{ row: KeyRow | undefined; customerId: string | null }> {
    const [result] = await this.dataSource.query<(Partial<KeyRow> & { customer_id: string | null; found: boolean })[]>(
      `SELECT k.operation, k.request_hash, k.state, k.response, k.error, coalesce(k.locked_until < now(), false) AS lease_expired,
              k.key IS NOT NULL AS found, ${customer.expression} AS customer_id
         FROM (SELECT 1) AS one LEFT JOIN payments.idempotency_keys k ON k.profile_id = $1 AND k.key = $2`,
      [input.profileId, input.key, customer.value],
    );
    const { customer_id: customerId, found, ...row } = result;
    return { row: found ? (row as KeyRow) : undefined, customerId };
  }

  private async read(input: IdempotentRequest): Promise<KeyRow | undefined> {
    const [row] = await this.dataSource.query<KeyRow[]>(
      `SELECT operation, request_hash, state, response, error, coalesce(locked_until < now(), false) AS lease_expired
         FROM payments.idempotency_keys WHERE profile_id = $1 AND key = $2`,
      [input.profileId, input.key],
    );
    return row;
  }

  private toDomainError(stored: StoredDomainError): DomainError {
    return new DomainError(stored.code as ErrorCode, stored.message, stored.extensions);
  }
}
