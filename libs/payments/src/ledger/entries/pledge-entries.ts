/**
 * A pledge's money: collected from the backer through the provider into the campaign's
 * escrow, and, when an admin refunds it, back out of escrow to the backer.
 *
 * Pure and Nest-free.
 */
import type { Money } from '@foule/shared';
import { LedgerAccounts } from '../ledger-accounts';
import type { JournalEntryInput } from '../ledger-rules';
import { move } from './entry-shapes';

export interface PledgeMovement {
  pledgeId: string;
  campaignId: string;
  money: Money;
}

export function pledgeCollectedEntry({ pledgeId, campaignId, money }: PledgeMovement): JournalEntryInput {
  return {
    kind: 'pledge.collected',
    reference: pledgeId,
    postings: move(LedgerAccounts.externalStripe, LedgerAccounts.campaignEscrow(campaignId), money),
  };
}

export function pledgeRefundedEntry({ pledgeId, campaignId, money }: PledgeMovement): JournalEntryInput {
  return {
    kind: 'pledge.refunded',
    reference: pledgeId,
    postings: move(LedgerAccounts.campaignEscrow(campaignId), LedgerAccounts.externalStripe, money),
  };
}

/** One payment (`number`, 1-based) of a pledge over time: each its own charge and its own entry. */
export interface PledgeIncrementMovement extends PledgeMovement {
  number: number;
}

export function pledgeIncrementCollectedEntry({ pledgeId, campaignId, money, number }: PledgeIncrementMovement): JournalEntryInput {
  return {
    kind: 'pledge.increment_collected',
    reference: `${pledgeId}:increment:${number}`,
    postings: move(LedgerAccounts.externalStripe, LedgerAccounts.campaignEscrow(campaignId), money),
  };
}

export function pledgeIncrementRefundedEntry({ pledgeId, campaignId, money, number }: PledgeIncrementMovement): JournalEntryInput {
  return {
    kind: 'pledge.increment_refunded',
    reference: `${pledgeId}:increment:${number}`,
    postings: move(LedgerAccounts.campaignEscrow(campaignId), LedgerAccounts.externalStripe, money),
  };
}
