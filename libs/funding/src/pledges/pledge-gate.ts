/**
 * The one gate of `funding.pledges`: every status change of a pledge goes through here, and
 * so does the tier stock that follows pledges. A move is the pure machine's decision
 * (pledge-status.machine.ts) run as one guarded UPDATE whose `WHERE status IN (...)` is the
 * machine's source states for the event: under any concurrency a pledge moves only from a
 * state the machine allows, and a refused move is a CONFLICT that says why, never a silent
 * no-op. Runs inside the caller's transaction (the `manager`).
 */
import type { EntityManager } from 'typeorm';
import { DomainError, isIdOf, updateReturning } from '@foule/shared';
import { IncrementGate } from './increment-gate';
import { PledgeEntity } from './pledge.entity';
import {
  LIVE_PLEDGE_STATUSES,
  LIVE_PLEDGE_STATUSES_SQL,
  pledgeEventMoves,
  pledgeTransition,
  sqlStatusList,
  type PledgeEvent,
  type PledgeStatus,
} from './pledge-status.machine';

/** A campaign's state as a new pledge locked it: what decides whether it still takes the pledge. */
export interface LockedCampaignState {
  /** A CampaignStatus (campaign-status.machine.ts, which this folder does not import). */
  status: string;
  deadline: Date;
  endedAt: Date | null;
  latePledgeDays: number;
}

/** A pledge as a move returns it. */
export interface MovedPledge {
  id: string;
  backerId: string;
  status: PledgeStatus;
}

export interface PledgeMove {
  /**
   * Only from these of the machine's source states: settlement charges PENDING pledges only,
   * a retry records its charge of a PAYMENT_FAILED one only.
   */
  from?: readonly PledgeStatus[];
  /** Only while the pledge's failed attempts are still this many: the charge attempt the caller made. */
  failedAttempts?: number;
  /** Columns (snake_case) the move also sets, e.g. charge_id. */
  set?: Record<string, unknown>;
}

/** The tier fields a unit move reads (a sold-out CONFLICT names the tier). */
export interface TierStock {
  id: string;
  title: string;
  quantityLimit: number | null;
}

/** What each event also writes, besides the status. */
const EVENT_EFFECTS: Partial<Record<PledgeEvent, string[]>> = {
  collect: ['collected_at = now()', 'failure_reason = NULL'],
  chargeFail: ['failed_attempts = failed_attempts + 1'],
  incrementCollect: ['failure_reason = NULL'],
};

/** The machine's answer as a CONFLICT, or the next state. */
function check(status: PledgeStatus, event: PledgeEvent): PledgeStatus {
  const result = pledgeTransition(status, event);
  if (!result.ok) throw DomainError.conflict(result.reason);
  return result.next;
}

/** The guarded UPDATE of pledges matching `where` (params from $1 on), for `event`; returns the moved rows. */
async function move(
  manager: EntityManager,
  event: PledgeEvent,
  where: { sql: string; params: unknown[] },
  options: PledgeMove = {},
): Promise<MovedPledge[]> {
  const moves = pledgeEventMoves(event).filter(([from]) => !options.from || options.from.includes(from));
  if (moves.length === 0) throw new Error(`pledge gate: ${event} moves no pledge from ${options.from?.join(', ')}`);
  const params = [...where.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const leavesLive = moves.every(([, to]) => !LIVE_PLEDGE_STATUSES.includes(to));
  const assignments = [
    `status = CASE status ${moves.map(([from, to]) => `WHEN ${param(from)} THEN ${param(to)}`).join(' ')} END`,
    ...(EVENT_EFFECTS[event] ?? []),
    ...(leavesLive ? ['ended_at = now()'] : []),
    ...Object.entries(options.set ?? {}).map(([column, value]) => `${column} = ${param(value)}`),
    'updated_at = now()',
  ];
  const conditions = [
    where.sql,
    `status IN ${sqlStatusList(moves.map(([from]) => from))}`,
    ...(options.failedAttempts === undefined ? [] : [`failed_attempts = ${param(options.failedAttempts)}`]),
  ];
  return updateReturning<MovedPledge>(
    manager,
    `UPDATE funding.pledges SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}
     RETURNING id, backer_id AS "backerId", status`,
    params,
  );
}

/** One pledge of a multi-row move (PledgeGate.transitionEach): its charge attempt and its own values of the columns the move sets. */
export interface EachPledgeMove {
  id: string;
  /** Only while the pledge's failed attempts are still this many. */
  failedAttempts: number;
  /** Text columns (snake_case) this pledge's move also sets; every pledge of one move names the same columns. */
  set: Record<string, string | null>;
}

/**
 * The guarded UPDATE of `move`, for many pledges at once, each with its own attempt and
 * values: one statement, the pledges locked in id order. Returns the moved rows; a pledge
 * not among them was refused (it left `from`, or another attempt was recorded).
 */
async function moveEach(
  manager: EntityManager,
  event: PledgeEvent,
  items: readonly EachPledgeMove[],
  from: readonly PledgeStatus[],
): Promise<MovedPledge[]> {
  if (items.length === 0) return [];
  const moves = pledgeEventMoves(event).filter(([source]) => from.includes(source));
  if (moves.length === 0) throw new Error(`pledge gate: ${event} moves no pledge from ${from.join(', ')}`);
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const columns = Object.keys(sorted[0].set);
  for (const column of columns) if (!/^[a-z_]+$/.test(column)) throw new Error(`pledge gate: "${column}" is not a column name`);
  for (const item of sorted) {
    const keys = Object.keys(item.set);
    if (keys.length !== columns.length || !columns.every((column) => keys.includes(column))) {
      throw new Error(`pledge gate: every pledge of one move sets the same columns (${columns.join(', ')})`);
    }
  }
  const params: unknown[] = [
    sorted.map((item) => item.id),
    sorted.map((item) => item.failedAttempts),
    ...columns.map((column) => sorted.map((item) => item.set[column])),
  ];
  const param = (value: unknown) => `$${params.push(value)}`;
  const leavesLive = moves.every(([, to]) => !LIVE_PLEDGE_STATUSES.includes(to));
  const assignments = [
    `status = CASE p.status ${moves.map(([source, to]) => `WHEN ${param(source)} THEN ${param(to)}`).join(' ')} END`,
    ...(EVENT_EFFECTS[event] ?? []),
    ...(leavesLive ? ['ended_at = now()'] : []),
    ...columns.map((column) => `${column} = m.set_${column}`),
    'updated_at = now()',
  ];
  const arrays = ['$1::text[]', '$2::int[]', ...columns.map((_, index) => `$${index + 3}::text[]`)];
  // The sub-select locks the pledges in id order, so two recorders of overlapping batches queue instead of deadlocking.
  return updateReturning<MovedPledge>(
    manager,
    `UPDATE funding.pledges p SET ${assignments.join(', ')}
       FROM (SELECT m.*
               FROM unnest(${arrays.join(', ')}) AS m(move_id, move_attempts${columns.map((column) => `, set_${column}`).join('')})
               JOIN funding.pledges locked ON locked.id = m.move_id
              ORDER BY m.move_id
                FOR UPDATE OF locked) m
      WHERE p.id = m.move_id AND p.status IN ${sqlStatusList(moves.map(([source]) => source))} AND p.failed_attempts = m.move_attempts
     RETURNING p.id, p.backer_id AS "backerId", p.status`,
    params,
  );
}

/** Makes each of the campaign's tiers' and add-ons' `claimed` equal to its live pledges again, after many pledges ended at once. */
async function recountUnits(manager: EntityManager, campaignId: string): Promise<void> {
  await updateReturning(
    manager,
    `UPDATE funding.reward_tiers t
        SET claimed = (SELECT count(*) FROM funding.pledges p WHERE p.tier_id = t.id AND p.status IN ${LIVE_PLEDGE_STATUSES_SQL})
      WHERE t.campaign_id = $1`,
    [campaignId],
  );
  await updateReturning(
    manager,
    `UPDATE funding.add_ons a
        SET claimed = (SELECT coalesce(sum(l.quantity), 0) FROM funding.pledge_add_ons l JOIN funding.pledges p ON p.id = l.pledge_id
                        WHERE l.add_on_id = a.id AND p.status IN ${LIVE_PLEDGE_STATUSES_SQL})
      WHERE a.campaign_id = $1`,
    [campaignId],
  );
}

export const PledgeGate = {
  check,

  /**
   * Moves one pledge by `event`, or throws CONFLICT: the machine's reason when its current
   * state refuses the event, else that it changed meanwhile (another request or run moved it,
   * or recorded another charge attempt).
   */
  async transition(manager: EntityManager, pledgeId: string, event: PledgeEvent, options: PledgeMove = {}): Promise<MovedPledge> {
    const [moved] = await move(manager, event, { sql: 'id = $1', params: [pledgeId] }, options);
    if (moved) return moved;
    const current = await manager.getRepository(PledgeEntity).findOneBy({ id: pledgeId });
    if (!current) throw DomainError.notFound('Pledge', pledgeId);
    check(current.status, event);
    throw DomainError.conflict(
      `Pledge ${pledgeId} changed meanwhile (it is ${current.status}, ${current.failedAttempts} failed attempt(s)); try again`,
    );
  },

  /**
   * Moves many pledges by `event` in one statement, each only from `from` and only while its
   * failed attempts are still the ones given (the charge attempt the caller made): the same
   * guard as transition, for a batch. Returns those moved; the others were refused, as a
   * CONFLICT of transition would have said, and the caller leaves them alone.
   */
  transitionEach(manager: EntityManager, event: PledgeEvent, items: readonly EachPledgeMove[], from: readonly PledgeStatus[]): Promise<MovedPledge[]> {
    return moveEach(manager, event, items, from);
  },

  /** Whether `error` is a refused move (a CONFLICT), which a caller racing another recorder may expect. */
  refused(error: unknown): boolean {
    return error instanceof DomainError && error.code === 'CONFLICT';
  },

  /** The campaign failed or was canceled: its PENDING pledges are canceled and give their units back. */
  async cancelPending(manager: EntityManager, campaignId: string): Promise<MovedPledge[]> {
    const canceled = await move(manager, 'cancel', { sql: 'campaign_id = $1', params: [campaignId] });
    await IncrementGate.cancelOpen(manager, canceled.map((pledge) => pledge.id));
    await recountUnits(manager, campaignId);
    return canceled;
  },

  /**
   * The retry window ended: failed pledges not fixed in time are dropped and give their units
   * back. Only those never collected: a pledge over time whose later payment failed has a
   * window of its own (dropAfterIncrement).
   */
  async dropUnfixed(manager: EntityManager, campaignId: string): Promise<MovedPledge[]> {
    const dropped = await move(manager, 'drop', { sql: 'campaign_id = $1 AND collected_at IS NULL', params: [campaignId] });
    if (dropped.length > 0) {
      await IncrementGate.cancelOpen(manager, dropped.map((pledge) => pledge.id));
      await recountUnits(manager, campaignId);
    }
    return dropped;
  },

  /**
   * A later payment of a pledge over time was not fixed in time: the pledge is DROPPED, keeps
   * what it collected (those payments stay COLLECTED, and go out with the campaign's payouts),
   * cancels the payments left and gives its units back. CONFLICT if it is no longer PAYMENT_FAILED.
   */
  async dropAfterIncrement(manager: EntityManager, pledgeId: string, campaignId: string): Promise<MovedPledge> {
    const moved = await PledgeGate.transition(manager, pledgeId, 'drop');
    await IncrementGate.cancelOpen(manager, [pledgeId]);
    await recountUnits(manager, campaignId);
    return moved;
  },

  /**
   * A new pledge, in one statement: the campaign locked FOR SHARE (so it commits before the
   * campaign ends, or sees that it ended), the tier's unit taken (the same atomic conditional
   * update as takeUnit: CONFLICT when none is left), the row inserted. `assertTakesIt` checks
   * the campaign's state as locked (a refusal throws and rolls the whole transaction back);
   * returns the pledge as stored. The one-live-pledge index still refuses a second one.
   */
  async create(
    manager: EntityManager,
    pledge: Omit<PledgeEntity, 'createdAt' | 'updatedAt' | 'failureReason' | 'failedAttempts' | 'paidOutIn' | 'refundRequestedAt' | 'endedAt'>,
    tier: TierStock | null,
    assertTakesIt: (campaign: LockedCampaignState) => void,
  ): Promise<PledgeEntity> {
    const [row] = await manager.query<(LockedCampaignState & { units: number; created_at: Date | null; updated_at: Date | null })[]>(
      `WITH campaign AS (
         SELECT id, status, deadline, ended_at, late_pledge_days FROM funding.campaigns WHERE id = $2 FOR SHARE
       ), unit AS (
         UPDATE funding.reward_tiers SET claimed = claimed + 1
          WHERE id = $4 AND (quantity_limit IS NULL OR claimed < quantity_limit) AND EXISTS (SELECT 1 FROM campaign)
          RETURNING id
       ), made AS (
         INSERT INTO funding.pledges (id, campaign_id, backer_id, tier_id, amount, currency, status, customer_id, payment_method_id,
                                      charge_id, collected_at, payment_plan, late)
         SELECT $1, campaign.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM campaign
          WHERE $4::text IS NULL OR EXISTS (SELECT 1 FROM unit)
         RETURNING created_at, updated_at
       )
       SELECT campaign.status, campaign.deadline, campaign.ended_at AS "endedAt", campaign.late_pledge_days AS "latePledgeDays",
              (SELECT count(*) FROM unit)::int AS units, made.created_at, made.updated_at
         FROM campaign LEFT JOIN made ON true`,
      [
        pledge.id,
        pledge.campaignId,
        pledge.backerId,
        pledge.tierId,
        pledge.amount,
        pledge.currency,
        pledge.status,
        pledge.customerId,
        pledge.paymentMethodId,
        pledge.chargeId,
        pledge.collectedAt,
        pledge.paymentPlan,
        pledge.late,
      ],
    );
    if (!row) throw DomainError.notFound('Campaign', pledge.campaignId);
    const { units, created_at: createdAt, updated_at: updatedAt, ...campaign } = row;
    // The campaign's refusal first: it says more than a sold-out tier would.
    assertTakesIt(campaign);
    if (tier && units !== 1) throw PledgeGate.soldOut(tier);
    const made = Object.assign(new PledgeEntity(), {
      ...pledge,
      failureReason: null,
      failedAttempts: 0,
      paidOutIn: null,
      refundRequestedAt: null,
      endedAt: null,
      createdAt: createdAt!,
      updatedAt: updatedAt!,
    });
    return made;
  },

  /** One unit of a tier, or CONFLICT when none is left: an atomic conditional update, so concurrent pledges cannot oversell. */
  async takeUnit(manager: EntityManager, tier: TierStock): Promise<void> {
    const taken = await updateReturning(
      manager,
      `UPDATE funding.reward_tiers SET claimed = claimed + 1
        WHERE id = $1 AND (quantity_limit IS NULL OR claimed < quantity_limit) RETURNING id`,
      [tier.id],
    );
    if (taken.length !== 1) throw PledgeGate.soldOut(tier);
  },

  soldOut(tier: TierStock): DomainError {
    return DomainError.conflict(
      `The reward tier "${tier.title}" is sold out (all ${tier.quantityLimit} taken): choose another tier, or pledge without one`,
    );
  },

  async releaseUnit(manager: EntityManager, tierId: string): Promise<void> {
    await updateReturning(manager, `UPDATE funding.reward_tiers SET claimed = claimed - 1 WHERE id = $1 AND claimed > 0`, [
      tierId,
    ]);
  },

  /** `quantity` units of an add-on, or CONFLICT when fewer are left: the same atomic conditional update as a tier's unit. */
  async takeAddOnUnits(manager: EntityManager, addOn: TierStock, quantity: number): Promise<void> {
    const taken = await updateReturning<{ claimed: number }>(
      manager,
      `UPDATE funding.add_ons SET claimed = claimed + $2
        WHERE id = $1 AND (quantity_limit IS NULL OR claimed + $2 <= quantity_limit) RETURNING claimed`,
      [addOn.id, quantity],
    );
    if (taken.length !== 1) {
      throw DomainError.conflict(
        `The add-on "${addOn.title}" has fewer than ${quantity} unit(s) left (limit ${addOn.quantityLimit}): take fewer, or leave it out`,
      );
    }
  },

  async releaseAddOnUnits(manager: EntityManager, addOnId: string, quantity: number): Promise<void> {
    await updateReturning(manager, `UPDATE funding.add_ons SET claimed = greatest(claimed - $2, 0) WHERE id = $1`, [addOnId, quantity]);
  },

  /** The pledge, locked FOR UPDATE in the caller's transaction. */
  async lock(manager: EntityManager, id: string): Promise<PledgeEntity> {
    const pledge = isIdOf('pledge', id)
      ? await manager.getRepository(PledgeEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!pledge) throw DomainError.notFound('Pledge', id);
    return pledge;
  },
};
