import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, type ErrorCode } from '@foule/shared';
import type { StoredDomainError } from './idempotency-key.entity';
import { requestHash } from './request-hash';

/** How long a claim on a key lasts without renewal: a process that died lets go after this. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/** How long a concurrent caller waits for the first one before giving up with CONFLICT. */
const WAIT_LIMIT_MS = 60_000;

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

  async run<T>(input: IdempotentRequest, work: (run: IdempotentRun) => Promise<T>): Promise<T> {
    if (typeof input.key !== 'string' || input.key.length < 1 || input.key.length > 255) {
      throw DomainError.badField('idempotencyKey', 'must be 1 to 255 characters');
    }
    const hash = requestHash(input.request);
    const owner = randomUUID();
    const giveUpAt = Date.now() + WAIT_LIMIT_MS;
    for (let attempt = 0; ; attempt++) {
      if (await this.claim(input, hash, owner)) return this.runClaimed(input, owner, work);
      const row = await this.read(input);
      if (!row) continue; // released by a failed attempt: claim it again
      if (row.operation !== input.operation || row.request_hash !== hash) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different request');
      }
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
    const renew = setInterval(() => {
      this.dataSource
        .query(
          `UPDATE payments.idempotency_keys SET locked_until = now() + $4 * interval '1 millisecond'
            WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
          [input.profileId, input.key, owner, LEASE_MS],
        )
        .catch((error: unknown) => this.logger.warn(`could not renew the lease on an idempotency key: ${String(error)}`));
    }, RENEW_EVERY_MS);
    renew.unref();
    const complete = async (manager: EntityManager, response: unknown): Promise<void> => {
      const [, updated] = await manager.query<[unknown, number]>(
        `UPDATE payments.idempotency_keys SET state = 'completed', response = $4, completed_at = now(), locked_by = NULL, locked_until = NULL
          WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
        [input.profileId, input.key, owner, JSON.stringify(asJson(response))],
      );
      if (updated !== 1) throw new Error(`Lost the claim on idempotency key ${input.key}`);
    };
    try {
      const result = await work({ complete });
      const response = asJson(result);
      const [, updated] = await this.dataSource.query<[unknown, number]>(
        `UPDATE payments.idempotency_keys SET state = 'completed', response = $4, completed_at = now(), locked_by = NULL, locked_until = NULL
          WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
        [input.profileId, input.key, owner, JSON.stringify(response)],
      );
      if (updated === 1) return response as T;
      // The work completed the key in its own transaction (or, after a lost lease, another
      // process did): the stored response is the answer.
      const row = await this.read(input);
      if (row?.state === 'completed') return row.response as T;
      throw new Error(`Idempotency key ${input.key} was not completed by its work`);
    } catch (error) {
      if (error instanceof DomainError) {
        const stored: StoredDomainError = { code: error.code, message: error.message, extensions: error.extensions };
        await this.dataSource.query(
          `UPDATE payments.idempotency_keys SET state = 'failed', error = $4, completed_at = now(), locked_by = NULL, locked_until = NULL
            WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
          [input.profileId, input.key, owner, JSON.stringify(stored)],
        );
      } else {
        await this.dataSource.query(
          `DELETE FROM payments.idempotency_keys WHERE profile_id = $1 AND key = $2 AND locked_by = $3 AND state = 'in_progress'`,
          [input.profileId, input.key, owner],
        );
      }
      throw error;
    } finally {
      clearInterval(renew);
    }
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
