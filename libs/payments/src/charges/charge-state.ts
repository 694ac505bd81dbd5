/**
 * How what we know about a charge changes with each fact the provider reports, whatever the
 * order the facts arrive in (webhooks are retried and reordered): a charge that succeeded
 * never becomes failed again, a refund implies it succeeded, and the refunded amount only
 * grows. The transitions tell which facts are news, to publish each once.
 *
 * Pure and Nest-free.
 */

export interface ChargeState {
  status: 'succeeded' | 'failed';
  declineCode: string | null;
  amountRefunded: number;
}

export type ChargeFact =
  | { kind: 'succeeded' }
  | { kind: 'failed'; declineCode: string | null }
  /** The total refunded so far (Stripe's charge.amount_refunded), not the last refund. */
  | { kind: 'refunded'; amountRefunded: number };

export interface ChargeTransition {
  next: ChargeState;
  becameSucceeded: boolean;
  becameFailed: boolean;
  refundedMore: number;
}

export function applyChargeFact(current: ChargeState | null, fact: ChargeFact): ChargeTransition {
  const previous = current ?? null;
  let next: ChargeState;
  switch (fact.kind) {
    case 'succeeded':
      next = { status: 'succeeded', declineCode: null, amountRefunded: previous?.amountRefunded ?? 0 };
      break;
    case 'failed':
      next = previous?.status === 'succeeded' ? previous : { status: 'failed', declineCode: fact.declineCode, amountRefunded: 0 };
      break;
    case 'refunded':
      next = { status: 'succeeded', declineCode: null, amountRefunded: Math.max(previous?.amountRefunded ?? 0, fact.amountRefunded) };
      break;
  }
  return {
    next,
    becameSucceeded: next.status === 'succeeded' && previous?.status !== 'succeeded',
    becameFailed: next.status === 'failed' && previous === null,
    refundedMore: next.amountRefunded - (previous?.amountRefunded ?? 0),
  };
}
