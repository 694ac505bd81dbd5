/**
 * Helpers the entry builders share. An entry builder is a pure function from the facts of a
 * movement (ids, money) to its balanced journal entry: the only place that names accounts
 * and chooses posting signs (+ into an account, - out of it; see ledger-accounts.ts).
 *
 * Pure and Nest-free.
 */
import type { Money } from '@foule/shared';
import type { JournalPosting } from '../ledger-rules';

/** `amount` of `money.currency` from one account into another: the two postings of a simple movement. */
export function move(from: string, to: string, money: Money): JournalPosting[] {
  return [
    { account: from, amount: -money.amount, currency: money.currency },
    { account: to, amount: money.amount, currency: money.currency },
  ];
}

/** A credit, left out when it is zero (a zero fee, a payout that is all fee): a posting always moves money. */
export function creditIfAny(account: string, amount: number, currency: string): JournalPosting[] {
  return amount > 0 ? [{ account, amount, currency }] : [];
}
