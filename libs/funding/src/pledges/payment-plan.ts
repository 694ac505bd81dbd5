/**
 * Pledge over time, the pure part: how an amount is split, when each payment falls due, the
 * provider keys, and how a pay-in-full pledge reads as its single payment. Nest-free.
 */
import type { FieldProblem } from '../shared/field-problem';
import type { IncrementState } from './payment-increment.machine';
import type { PledgeStatus } from './pledge-status.machine';

export const PAYMENT_PLANS = ['PAY_IN_FULL', 'PLEDGE_OVER_TIME'] as const;
export type PaymentPlan = (typeof PAYMENT_PLANS)[number];

/**
 * `amount` in `count` equal payments, the leftover minor units in the first: 1000 in 3 is
 * [334, 333, 333]. Every part is at least 1 (so amount >= count), and they sum to amount.
 */
export function splitIntoIncrements(amount: number, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(amount) || amount < count) throw new RangeError(`amount must be an integer of at least ${count}, got ${amount}`);
  const part = Math.floor(amount / count);
  return Array.from({ length: count }, (_, index) => (index === 0 ? part + (amount % count) : part));
}

/** When payment `number` (1-based) falls due, the first at `first`, the next every `intervalSeconds`. */
export function incrementDueAt(first: Date, number: number, intervalSeconds: number): Date {
  if (!Number.isSafeInteger(number) || number < 1) throw new RangeError(`a payment number starts at 1, got ${number}`);
  return new Date(first.getTime() + (number - 1) * intervalSeconds * 1000);
}

/** The provider key of a payment's charge: attempt = failures of this payment so far + 1. */
export function incrementChargeKey(pledgeId: string, number: number, failedAttempts: number): string {
  if (!Number.isSafeInteger(number) || number < 1) throw new RangeError(`a payment number starts at 1, got ${number}`);
  if (!Number.isSafeInteger(failedAttempts) || failedAttempts < 0)
    throw new RangeError(`failedAttempts must be a non-negative integer, got ${failedAttempts}`);
  return `pledge:${pledgeId}:increment:${number}:charge:${failedAttempts + 1}`;
}

export function incrementRefundKey(pledgeId: string, number: number): string {
  return `pledge:${pledgeId}:increment:${number}:refund`;
}

/** The durable job of a payment, one per pledge and payment. */
export function incrementJobKey(pledgeId: string, number: number): string {
  return `${pledgeId}:${number}`;
}

/**
 * Why a pledge over time is refused, as field problems (BAD_USER_INPUT): the campaign must
 * offer it, and the amount must reach the campaign's minimum and give each payment at least
 * `minimumPayment` minor units.
 */
export function pledgeOverTimeProblems(
  amount: number,
  campaign: { pledgeOverTime: boolean; pledgeOverTimeMinimum: number | null },
  rules: { increments: number; minimumPayment: number },
): FieldProblem[] {
  if (!campaign.pledgeOverTime) {
    return [{ path: 'paymentPlan', message: 'this campaign does not offer pledge over time; use PAY_IN_FULL' }];
  }
  const problems: FieldProblem[] = [];
  if (campaign.pledgeOverTimeMinimum && amount < campaign.pledgeOverTimeMinimum) {
    problems.push({
      path: 'amount',
      message: `a pledge over time must be at least ${campaign.pledgeOverTimeMinimum} (the campaign's pledgeOverTimeMinimum); it is ${campaign.pledgeOverTimeMinimum - amount} short`,
    });
  } else if (amount < rules.increments * rules.minimumPayment) {
    problems.push({
      path: 'amount',
      message: `a pledge over time is split into ${rules.increments} payments of at least ${rules.minimumPayment} each: it must be at least ${rules.increments * rules.minimumPayment}`,
    });
  }
  return problems;
}

/** A pay-in-full pledge read as its one payment: its state follows the pledge's status. */
export function payInFullIncrementState(status: PledgeStatus): IncrementState {
  switch (status) {
    case 'PENDING':
      return 'SCHEDULED';
    case 'COLLECTED':
      return 'COLLECTED';
    case 'PAYMENT_FAILED':
      return 'FAILED';
    case 'DROPPED':
    case 'CANCELED':
      return 'CANCELED';
    case 'REFUNDED':
      return 'REFUNDED';
  }
}

/** When a late pledge may still be made: `days` after a successful end; null when none. */
export function latePledgesUntil(campaign: { status: string; endedAt: Date | null; latePledgeDays: number }): Date | null {
  if (campaign.status !== 'SUCCESSFUL' || !campaign.endedAt || campaign.latePledgeDays <= 0) return null;
  return new Date(campaign.endedAt.getTime() + campaign.latePledgeDays * 86_400_000);
}

/** What a tier asks of a pledge: its latePledgeMinimum for a late one, when set. */
export function tierMinimumFor(tier: { minimum: number; latePledgeMinimum: number | null }, late: boolean): number {
  return late && tier.latePledgeMinimum !== null ? Math.max(tier.latePledgeMinimum, tier.minimum) : tier.minimum;
}

/** The most days of late pledges a creator may offer after a successful end. */
export const MAX_LATE_PLEDGE_DAYS = 60;

/** A campaign's pledge-over-time and late-pledge terms, as field problems (paths as in the input). */
export function campaignPaymentTermsProblems(input: {
  pledgeOverTimeMinimum?: number | null;
  latePledgeDays?: number | null;
}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const minimum = input.pledgeOverTimeMinimum;
  if (minimum != null && (!Number.isSafeInteger(minimum) || minimum < 0)) {
    problems.push({ path: 'pledgeOverTimeMinimum', message: 'must be 0 or a positive whole number of minor units (0 or null: any amount)' });
  }
  const days = input.latePledgeDays;
  if (days != null && (!Number.isSafeInteger(days) || days < 0 || days > MAX_LATE_PLEDGE_DAYS)) {
    problems.push({ path: 'latePledgeDays', message: `must be a whole number of days from 0 to ${MAX_LATE_PLEDGE_DAYS} (0 or null: no late pledges)` });
  }
  return problems;
}

/** A tier's late-pledge minimum: at least its minimum. */
export function latePledgeMinimumProblem(minimum: number, latePledgeMinimum: number | null | undefined): FieldProblem | null {
  if (latePledgeMinimum == null) return null;
  if (!Number.isSafeInteger(latePledgeMinimum) || latePledgeMinimum < minimum) {
    return { path: 'latePledgeMinimum', message: `must be a whole number of minor units of at least the tier's minimum (${minimum}); null: the minimum` };
  }
  return null;
}
