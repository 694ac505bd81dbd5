/**
 * The money joins between a campaign and the contests that design for it (issue #10, parts 5
 * and 7), built here so neither funding nor contest names an account or a sign:
 *   funded from campaign   campaign:<c>:escrow -(prize+fee), contest:<k>:escrow +prize, platform:fees +fee
 *   returned to campaign   contest:<k>:escrow -prize, platform:fees -fee, campaign:<c>:escrow +(prize+fee)
 *                          (the contest is canceled before the campaign's payout took the deduction)
 *   returned to creator    contest:<k>:escrow -prize, platform:fees -fee, profile:<creator>:payable +(prize+fee)
 *                          (canceled after that payout: the creator already got the campaign's money net of it)
 *   royalty paid           campaign:<c>:escrow -X, profile:<designer>:payable +X
 * Pure and Nest-free.
 */
import type { Money } from '@foule/shared';
import { LedgerAccounts } from '../ledger-accounts';
import type { JournalEntryInput, JournalPosting } from '../ledger-rules';
import { move } from './entry-shapes';

export interface CampaignFundedContest {
  campaignId: string;
  contestId: string;
  prize: number;
  fee: number;
  currency: string;
}

function positive(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`${what} must be a positive safe integer of minor units, got ${amount}`);
}

function nonNegative(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${what} must be a non-negative safe integer of minor units, got ${amount}`);
}

const nonZero = (postings: JournalPosting[]) => postings.filter((posting) => posting.amount !== 0);

/** A contest's prize and fee paid out of its holder's successful campaign's escrow. */
export function contestFundedFromCampaignEntry({ campaignId, contestId, prize, fee, currency }: CampaignFundedContest): JournalEntryInput {
  positive(prize, 'prize');
  nonNegative(fee, 'fee');
  return {
    kind: 'contest.funded_from_campaign',
    reference: contestId,
    postings: nonZero([
      { account: LedgerAccounts.campaignEscrow(campaignId), amount: -(prize + fee), currency },
      { account: LedgerAccounts.contestEscrow(contestId), amount: prize, currency },
      { account: LedgerAccounts.platformFees, amount: fee, currency },
    ]),
  };
}

/** A campaign-funded contest canceled before the campaign's payout: prize and fee back into the campaign's escrow. */
export function contestReturnedToCampaignEntry(money: CampaignFundedContest): JournalEntryInput {
  const funded = contestFundedFromCampaignEntry(money);
  return { kind: 'contest.returned_to_campaign', reference: money.contestId, postings: funded.postings.map((posting) => ({ ...posting, amount: -posting.amount })) };
}

/**
 * A campaign-funded contest canceled after the campaign's payout took its prize and fee off
 * the creator's money: prize and fee are owed to the creator (paid out by a payout).
 */
export function contestReturnedToCreatorEntry(money: CampaignFundedContest & { creatorId: string }): JournalEntryInput {
  const { contestId, prize, fee, currency, creatorId } = money;
  positive(prize, 'prize');
  nonNegative(fee, 'fee');
  return {
    kind: 'contest.returned_to_creator',
    reference: contestId,
    postings: nonZero([
      { account: LedgerAccounts.contestEscrow(contestId), amount: -prize, currency },
      { account: LedgerAccounts.platformFees, amount: -fee, currency },
      { account: LedgerAccounts.profilePayable(creatorId), amount: prize + fee, currency },
    ]),
  };
}

export interface RoyaltyMovement {
  campaignId: string;
  contestId: string;
  designerId: string;
  money: Money;
}

/** The winning designer's royalty, out of the campaign's escrow, at one of the campaign's payouts. */
export function royaltyPaidEntry({ campaignId, contestId, designerId, money }: RoyaltyMovement): JournalEntryInput {
  positive(money.amount, 'royalty');
  return {
    kind: 'campaign.royalty_paid',
    reference: contestId,
    postings: move(LedgerAccounts.campaignEscrow(campaignId), LedgerAccounts.profilePayable(designerId), money),
  };
}
