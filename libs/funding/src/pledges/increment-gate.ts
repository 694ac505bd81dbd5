/**
 * The one gate of `funding.pledge_increments`: every state change of a payment of a pledge
 * over time is the pure machine's decision (payment-increment.machine.ts) run as one guarded
 * UPDATE, `WHERE state IN (the machine's sources)`, optionally on the attempt the caller
 * charged. A refused move is a CONFLICT, never a silent no-op. Runs in the caller's transaction.
 */
import type { EntityManager } from 'typeorm';
import { DomainError, updateReturning } from '@foule/shared';
import { PledgeIncrementEntity } from './pledge.entity';
import {
  OPEN_INCREMENT_STATES,
  incrementEventMoves,
  incrementTransition,
  type IncrementEvent,
  type IncrementState,
} from './payment-increment.machine';
import { sqlStatusList } from './pledge-status.machine';

export interface IncrementMove {
  /** Only while this payment's failed attempts are still this many: the attempt the caller charged. */
  failedAttempts?: number;
  /** Columns (snake_case) the move also sets. */
  set?: Record<string, unknown>;
}

const EVENT_EFFECTS: Partial<Record<IncrementEvent, string[]>> = {
  collect: ['collected_at = now()', 'failure_reason = NULL'],
  fail: ['failed_attempts = failed_attempts + 1'],
};

async function move(
  manager: EntityManager,
  event: IncrementEvent,
  where: { sql: string; params: unknown[] },
  options: IncrementMove = {},
): Promise<{ pledgeId: string; number: number; state: IncrementState }[]> {
  const moves = incrementEventMoves(event);
  const params = [...where.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const assignments = [
    `state = CASE state ${moves.map(([from, to]) => `WHEN ${param(from)} THEN ${param(to)}`).join(' ')} END`,
    ...(EVENT_EFFECTS[event] ?? []),
    ...Object.entries(options.set ?? {}).map(([column, value]) => `${column} = ${param(value)}`),
    'updated_at = now()',
  ];
  const conditions = [
    where.sql,
    `state IN ${sqlStatusList(moves.map(([from]) => from))}`,
    ...(options.failedAttempts === undefined ? [] : [`failed_attempts = ${param(options.failedAttempts)}`]),
  ];
  return updateReturning(
    manager,
    `UPDATE funding.pledge_increments SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}
     RETURNING pledge_id AS "pledgeId", number, state`,
    params,
  );
}

export const IncrementGate = {
  check(state: IncrementState, event: IncrementEvent): IncrementState {
    const result = incrementTransition(state, event);
    if (!result.ok) throw DomainError.conflict(result.reason);
    return result.next;
  },

  /** Moves one payment by `event`, or throws CONFLICT (the machine's reason, or that it changed meanwhile). */
  async transition(manager: EntityManager, pledgeId: string, number: number, event: IncrementEvent, options: IncrementMove = {}): Promise<void> {
    const moved = await move(manager, event, { sql: 'pledge_id = $1 AND number = $2', params: [pledgeId, number] }, options);
    if (moved.length === 1) return;
    const current = await manager.getRepository(PledgeIncrementEntity).findOneBy({ pledgeId, number });
    if (!current) throw DomainError.notFound('Payment', `${pledgeId}#${number}`);
    IncrementGate.check(current.state, event);
    throw DomainError.conflict(`Payment ${number} of pledge ${pledgeId} changed meanwhile (it is ${current.state}); try again`);
  },

  /** The payments still to be made of these pledges are CANCELED (the pledge was canceled, dropped or refunded, or its campaign canceled). */
  async cancelOpen(manager: EntityManager, pledgeIds: readonly string[]): Promise<number> {
    if (pledgeIds.length === 0) return 0;
    return (await move(manager, 'cancel', { sql: 'pledge_id = ANY($1)', params: [pledgeIds] })).length;
  },

  /** Every collected payment of a refunded pledge is REFUNDED. */
  async refundCollected(manager: EntityManager, pledgeId: string): Promise<void> {
    await move(manager, 'refund', { sql: 'pledge_id = $1', params: [pledgeId] });
  },

  /** A pledge's payments, in order. */
  of(manager: EntityManager, pledgeId: string): Promise<PledgeIncrementEntity[]> {
    return manager.getRepository(PledgeIncrementEntity).find({ where: { pledgeId }, order: { number: 'ASC' } });
  },

  OPEN_STATES_SQL: sqlStatusList(OPEN_INCREMENT_STATES),
};
