/**
 * A payout's money: out of what the platform owes the recipient into the payout's own
 * account when it is made, then out to the provider when the transfer is paid, or back to
 * what is owed when the transfer fails or is reversed.
 *
 * Pure and Nest-free.
 */
import type { Money } from '@foule/shared';
import { LedgerAccounts } from '../ledger-accounts';
import type { JournalEntryInput } from '../ledger-rules';
import { move } from './entry-shapes';

export interface PayoutMovement {
  payoutId: string;
  recipientProfileId: string;
  money: Money;
}

export function payoutCreatedEntry({ payoutId, recipientProfileId, money }: PayoutMovement): JournalEntryInput {
  return {
    kind: 'payout.created',
    reference: payoutId,
    postings: move(LedgerAccounts.profilePayable(recipientProfileId), LedgerAccounts.payout(payoutId), money),
  };
}

export function payoutPaidEntry({ payoutId, money }: Omit<PayoutMovement, 'recipientProfileId'>): JournalEntryInput {
  return {
    kind: 'payout.paid',
    reference: payoutId,
    postings: move(LedgerAccounts.payout(payoutId), LedgerAccounts.externalStripe, money),
  };
}

/** The transfer was paid, then reversed by the provider: the money is owed to the recipient again. */
export function payoutReversedEntry({ payoutId, recipientProfileId, money }: PayoutMovement): JournalEntryInput {
  return {
    kind: 'payout.reversed',
    reference: payoutId,
    postings: move(LedgerAccounts.externalStripe, LedgerAccounts.profilePayable(recipientProfileId), money),
  };
}

/** The transfer never happened: the money goes back to what is owed to the recipient. */
export function payoutFailedEntry({ payoutId, recipientProfileId, money }: PayoutMovement): JournalEntryInput {
  return {
    kind: 'payout.failed',
    reference: payoutId,
    postings: move(LedgerAccounts.payout(payoutId), LedgerAccounts.profilePayable(recipientProfileId), money),
  };
}
