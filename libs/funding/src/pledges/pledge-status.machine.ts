/**
 * A pledge's life (ARCHITECTURE.md, "State machines"):
 *   ALL_OR_NOTHING: PENDING -deadline, success-> COLLECTED | PAYMENT_FAILED;
 *   PAYMENT_FAILED -retry ok-> COLLECTED;  PAYMENT_FAILED -retry window over-> DROPPED;
 *   PENDING -backer cancels / campaign fails or is canceled-> CANCELED;  COLLECTED -refund-> REFUNDED.
 *   FLEXIBLE: created COLLECTED (charged when made), or not created at all.
 * Pure and Nest-free.
 */
import { allow, refuse, type Transition } from '../shared/transition';

export const PLEDGE_STATUSES = ['PENDING', 'COLLECTED', 'PAYMENT_FAILED', 'DROPPED', 'CANCELED', 'REFUNDED'] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];

/**
 * Pledges that count: they hold a tier unit, they are counted in the campaign's totals
 * (`pledged`, `backersCount`), one per backer per campaign. The only list of them: everything
 * else (entity index, queries, locks, resolvers) uses this or LIVE_PLEDGE_STATUSES_SQL.
 */
export const LIVE_PLEDGE_STATUSES: readonly PledgeStatus[] = ['PENDING', 'COLLECTED', 'PAYMENT_FAILED'];

/**
 * Pledges whose backer stands behind the campaign today (a hold on the card or money collected):
 * what a backers-only poll of a linked contest asks of a voter. A failed payment is not backing
 * until it is fixed; a dropped, canceled or refunded pledge is not backing at all.
 */
export const BACKING_PLEDGE_STATUSES: readonly PledgeStatus[] = ['PENDING', 'COLLECTED'];

export const PLEDGE_EVENTS = [
  'change',
  'cancel',
  'collect',
  'chargeFail',
  'retry',
  'drop',
  'refund',
  'changeCard',
  'incrementFail',
  'incrementCollect',
] as const;
/**
 * change: the backer changes tier, amount or card;  cancel: the backer cancels, or the
 * campaign failed or was canceled;  collect: a charge succeeded;  chargeFail: a charge was
 * declined;  retry: the backer asks to pay a failed pledge again;  drop: the retry window
 * ended;  refund: an admin refunds it.
 * Pledge over time (the pledge is COLLECTED once its first payment is):  changeCard: the
 * backer changes the card for the payments to come;  incrementFail: a later payment was
 * declined (the pledge may be fixed, or dropped keeping what was collected);
 * incrementCollect: that payment was fixed.
 */
export type PledgeEvent = (typeof PLEDGE_EVENTS)[number];

const STATE_MEANING: Record<PledgeStatus, string> = {
  PENDING: 'it is waiting for the deadline to be charged',
  COLLECTED: 'it was already charged',
  PAYMENT_FAILED: 'its payment failed',
  DROPPED: 'it was dropped when the retry window ended',
  CANCELED: 'it was canceled',
  REFUNDED: 'it was refunded',
};

const ADVICE: Record<PledgeEvent, string> = {
  change: 'only a PENDING pledge can be changed, before the deadline',
  cancel: 'only a PENDING pledge can be canceled, before the deadline',
  collect: 'only a PENDING or PAYMENT_FAILED pledge can be charged',
  chargeFail: 'only a PENDING or PAYMENT_FAILED pledge can be charged',
  retry: 'only a PAYMENT_FAILED pledge can be paid again (retryPledgePayment)',
  drop: 'only a PAYMENT_FAILED pledge is dropped when the retry window ends',
  refund: 'only a COLLECTED pledge can be refunded',
  changeCard: 'only a live pledge (PENDING, COLLECTED or PAYMENT_FAILED) can change its card',
  incrementFail: 'only a COLLECTED pledge over time has later payments to fail',
  incrementCollect: 'only a PAYMENT_FAILED pledge over time has a later payment to fix',
};

const VERB: Record<PledgeEvent, string> = {
  change: 'change',
  cancel: 'cancel',
  collect: 'collect',
  chargeFail: 'record a failed charge for',
  retry: 'retry the payment of',
  drop: 'drop',
  refund: 'refund',
  changeCard: 'change the card of',
  incrementFail: 'record a failed later payment for',
  incrementCollect: 'record a fixed later payment for',
};

const MOVES: Record<PledgeEvent, Partial<Record<PledgeStatus, PledgeStatus>>> = {
  change: { PENDING: 'PENDING' },
  cancel: { PENDING: 'CANCELED' },
  collect: { PENDING: 'COLLECTED', PAYMENT_FAILED: 'COLLECTED' },
  // A declined retry leaves the pledge failed; the backer may try again within the window.
  chargeFail: { PENDING: 'PAYMENT_FAILED', PAYMENT_FAILED: 'PAYMENT_FAILED' },
  retry: { PAYMENT_FAILED: 'PAYMENT_FAILED' },
  drop: { PAYMENT_FAILED: 'DROPPED' },
  refund: { COLLECTED: 'REFUNDED' },
  changeCard: { PENDING: 'PENDING', COLLECTED: 'COLLECTED', PAYMENT_FAILED: 'PAYMENT_FAILED' },
  incrementFail: { COLLECTED: 'PAYMENT_FAILED' },
  incrementCollect: { PAYMENT_FAILED: 'COLLECTED' },
};

export function pledgeTransition(status: PledgeStatus, event: PledgeEvent): Transition<PledgeStatus> {
  const next = MOVES[event][status];
  if (next) return allow(next);
  return refuse(`Cannot ${VERB[event]} a ${status} pledge: ${STATE_MEANING[status]}; ${ADVICE[event]}`);
}

/** The states `event` may move a pledge from, each with the state it moves to: the pledge gate's guarded UPDATE is built from them. */
export function pledgeEventMoves(event: PledgeEvent): [from: PledgeStatus, to: PledgeStatus][] {
  return Object.entries(MOVES[event]) as [PledgeStatus, PledgeStatus][];
}

export function isLivePledge(status: PledgeStatus): boolean {
  return LIVE_PLEDGE_STATUSES.includes(status);
}

/** A status set as an SQL list, `('A', 'B')`, for the queries, indexes and checks that filter on it (the values are our constants). */
export function sqlStatusList(statuses: readonly string[]): string {
  return `(${statuses.map((status) => `'${status}'`).join(', ')})`;
}

export const LIVE_PLEDGE_STATUSES_SQL = sqlStatusList(LIVE_PLEDGE_STATUSES);
