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

/** Pledges that count: they hold a tier unit, they are in `pledged`, one per backer per campaign. */
export const LIVE_PLEDGE_STATUSES: readonly PledgeStatus[] = ['PENDING', 'COLLECTED', 'PAYMENT_FAILED'];

export const PLEDGE_EVENTS = ['change', 'cancel', 'collect', 'chargeFail', 'retry', 'drop', 'refund'] as const;
/**
 * change: the backer changes tier, amount or card;  cancel: the backer cancels, or the
 * campaign failed or was canceled;  collect: a charge succeeded;  chargeFail: a charge was
 * declined;  retry: the backer asks to pay a failed pledge again;  drop: the retry window
 * ended;  refund: an admin refunds it.
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
};

const VERB: Record<PledgeEvent, string> = {
  change: 'change',
  cancel: 'cancel',
  collect: 'collect',
  chargeFail: 'record a failed charge for',
  retry: 'retry the payment of',
  drop: 'drop',
  refund: 'refund',
};

export function pledgeTransition(status: PledgeStatus, event: PledgeEvent): Transition<PledgeStatus> {
  const table: Record<PledgeEvent, Partial<Record<PledgeStatus, PledgeStatus>>> = {
    change: { PENDING: 'PENDING' },
    cancel: { PENDING: 'CANCELED' },
    collect: { PENDING: 'COLLECTED', PAYMENT_FAILED: 'COLLECTED' },
    // A declined retry leaves the pledge failed; the backer may try again within the window.
    chargeFail: { PENDING: 'PAYMENT_FAILED', PAYMENT_FAILED: 'PAYMENT_FAILED' },
    retry: { PAYMENT_FAILED: 'PAYMENT_FAILED' },
    drop: { PAYMENT_FAILED: 'DROPPED' },
    refund: { COLLECTED: 'REFUNDED' },
  };
  const next = table[event][status];
  if (next) return allow(next);
  return refuse(`Cannot ${VERB[event]} a ${status} pledge: ${STATE_MEANING[status]}; ${ADVICE[event]}`);
}

export function isLivePledge(status: PledgeStatus): boolean {
  return LIVE_PLEDGE_STATUSES.includes(status);
}
