/**
 * A successful campaign's money leaving escrow: the platform's fee to platform:fees, the rest
 * to what the platform owes the creator (paid out from there by a payout).
 *
 * With linked contests (issue #10), part of the gross does not go to the creator:
 *   deducted  prize and fee of contests funded from this escrow (already out of it)
 *   withheld  the winning designers' royalty share of this payout (stays in escrow: paid by
 *             royaltyPaidEntry, or held until the contest has a winner)
 *   released  royalty held at earlier payouts for a contest canceled since: the creator's again
 * so escrow gives gross - deducted - withheld + released, the fee goes to platform:fees and the
 * creator is owed the rest.
 *
 * Pure and Nest-free.
 */
import type { Money } from '@foule/shared';
import { LedgerAccounts } from '../ledger-accounts';
import type { JournalEntryInput } from '../ledger-rules';
import { creditIfAny } from './entry-shapes';

export interface CampaignPayoutMovement {
  campaignId: string;
  creatorId: string;
  /** Everything collected that this payout pays out (the fee is taken on it). */
  gross: Money;
  /** The platform's part of `gross` (splitFee); the creator gets the rest. */
  fee: number;
  /** Prize and fee of campaign-funded contests, already out of escrow, taken off the creator's part. */
  deducted?: number;
  /** Royalty share of this payout, kept in escrow for the designers. */
  withheld?: number;
  /** Royalty held earlier and now going back to the creator. */
  released?: number;
}

/** What the creator is owed by this payout (never negative). */
export function creatorPartOf({ gross, fee, deducted = 0, withheld = 0, released = 0 }: CampaignPayoutMovement): number {
  for (const [what, value] of [['fee', fee], ['deducted', deducted], ['withheld', withheld], ['released', released]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
  const part = gross.amount - fee - deducted - withheld + released;
  if (part < 0) throw new RangeError(`a payout of ${gross.amount} cannot take ${fee} fee, ${deducted} deducted and ${withheld} withheld`);
  return part;
}

export function campaignPayoutEntry(movement: CampaignPayoutMovement): JournalEntryInput {
  const { campaignId, creatorId, gross, fee } = movement;
  const creator = creatorPartOf(movement);
  const { currency } = gross;
  return {
    kind: 'campaign.payout',
    reference: campaignId,
    postings: [
      { account: LedgerAccounts.campaignEscrow(campaignId), amount: -(fee + creator), currency },
      ...creditIfAny(LedgerAccounts.platformFees, fee, currency),
      ...creditIfAny(LedgerAccounts.profilePayable(creatorId), creator, currency),
    ],
  };
}
