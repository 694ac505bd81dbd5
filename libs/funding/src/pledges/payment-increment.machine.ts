/**
 * One payment of a pledge over time (ARCHITECTURE.md, "State machines"):
 *   SCHEDULED -due, charged-> COLLECTED | FAILED;  FAILED -retry ok-> COLLECTED;
 *   FAILED -declined again-> FAILED;  SCHEDULED | FAILED -pledge canceled or dropped-> CANCELED;
 *   COLLECTED -refund-> REFUNDED.
 * Pure and Nest-free; IncrementGate runs it as guarded UPDATEs.
 */
import { allow, refuse, type Transition } from '../shared/transition';

export const INCREMENT_STATES = ['SCHEDULED', 'COLLECTED', 'FAILED', 'CANCELED', 'REFUNDED'] as const;
export type IncrementState = (typeof INCREMENT_STATES)[number];

/** collect: its charge succeeded;  fail: its charge was declined;  cancel: the pledge ended first;  refund: the pledge was refunded. */
export const INCREMENT_EVENTS = ['collect', 'fail', 'cancel', 'refund'] as const;
export type IncrementEvent = (typeof INCREMENT_EVENTS)[number];

const MOVES: Record<IncrementEvent, Partial<Record<IncrementState, IncrementState>>> = {
  collect: { SCHEDULED: 'COLLECTED', FAILED: 'COLLECTED' },
  fail: { SCHEDULED: 'FAILED', FAILED: 'FAILED' },
  cancel: { SCHEDULED: 'CANCELED', FAILED: 'CANCELED' },
  refund: { COLLECTED: 'REFUNDED' },
};

const MEANING: Record<IncrementState, string> = {
  SCHEDULED: 'it waits for its due date',
  COLLECTED: 'it was already charged',
  FAILED: 'its charge failed',
  CANCELED: 'it was canceled',
  REFUNDED: 'it was refunded',
};

const ADVICE: Record<IncrementEvent, string> = {
  collect: 'only a SCHEDULED or FAILED payment can be charged',
  fail: 'only a SCHEDULED or FAILED payment can be charged',
  cancel: 'only a payment not charged yet (SCHEDULED or FAILED) can be canceled',
  refund: 'only a COLLECTED payment can be refunded',
};

export function incrementTransition(state: IncrementState, event: IncrementEvent): Transition<IncrementState> {
  const next = MOVES[event][state];
  if (next) return allow(next);
  return refuse(`Cannot ${event} a ${state} payment: ${MEANING[state]}; ${ADVICE[event]}`);
}

/** The states `event` moves a payment from, each with its target: the gate's guarded UPDATE is built from them. */
export function incrementEventMoves(event: IncrementEvent): [from: IncrementState, to: IncrementState][] {
  return Object.entries(MOVES[event]) as [IncrementState, IncrementState][];
}

/** Payments still to be made: a canceled campaign, a refund or a drop cancels them. */
export const OPEN_INCREMENT_STATES: readonly IncrementState[] = ['SCHEDULED', 'FAILED'];
