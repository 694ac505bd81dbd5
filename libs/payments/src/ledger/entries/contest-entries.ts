/**
 * The journal entries of a design contest's money, built here so no other module names a
 * ledger account or a sign (ARCHITECTURE.md, "Money"):
 *   opened    external:stripe -(prize+fee), contest:<id>:escrow +prize, platform:fees +fee
 *   refunded  contest:<id>:escrow -prize, platform:fees -fee, external:stripe +(prize+fee)
 *   awarded   contest:<id>:escrow -prize, profile:<winner>:payable +prize
 *   split     contest:<id>:escrow -prize, profile:<designer>:payable +share, for each finalist's designer
 * Pure and Nest-free.
 */
import { LedgerAccounts } from '../ledger-accounts';
import type { JournalEntryInput, JournalPosting } from '../ledger-rules';

export interface ContestMoney {
  contestId: string;
  prize: number;
  fee: number;
  currency: string;
}

export interface PrizeShare {
  profileId: string;
  amount: number;
}

function positive(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`${what} must be a positive safe integer of minor units, got ${amount}`);
}

/** Zero postings are left out: a contest fee of 0 bps books nothing to platform:fees. */
const nonZero = (postings: JournalPosting[]) => postings.filter((posting) => posting.amount !== 0);

export function contestOpenedEntry({ contestId, prize, fee, currency }: ContestMoney): JournalEntryInput {
  positive(prize, 'prize');
  if (!Number.isSafeInteger(fee) || fee < 0) throw new RangeError(`fee must be a non-negative safe integer, got ${fee}`);
  return {
    kind: 'contest.opened',
    reference: contestId,
    postings: nonZero([
      { account: LedgerAccounts.externalStripe, amount: -(prize + fee), currency },
      { account: LedgerAccounts.contestEscrow(contestId), amount: prize, currency },
      { account: LedgerAccounts.platformFees, amount: fee, currency },
    ]),
  };
}

/** The exact reverse of the opening: the holder gets prize and fee back. */
export function contestRefundedEntry(money: ContestMoney): JournalEntryInput {
  const opened = contestOpenedEntry(money);
  return { kind: 'contest.refunded', reference: money.contestId, postings: opened.postings.map((posting) => ({ ...posting, amount: -posting.amount })) };
}

export function prizeAwardedEntry(input: { contestId: string; winnerId: string; prize: number; currency: string }): JournalEntryInput {
  return prizeSplitEntry({ contestId: input.contestId, currency: input.currency, shares: [{ profileId: input.winnerId, amount: input.prize }] }, 'contest.prize_awarded');
}

export function prizeSplitEntry(
  input: { contestId: string; currency: string; shares: readonly PrizeShare[] },
  kind = 'contest.prize_split',
): JournalEntryInput {
  if (input.shares.length === 0) throw new RangeError('a prize is split among one or more designers');
  for (const share of input.shares) positive(share.amount, `the share of ${share.profileId}`);
  const total = input.shares.reduce((sum, share) => sum + share.amount, 0);
  return {
    kind,
    reference: input.contestId,
    postings: [
      { account: LedgerAccounts.contestEscrow(input.contestId), amount: -total, currency: input.currency },
      ...input.shares.map((share) => ({ account: LedgerAccounts.profilePayable(share.profileId), amount: share.amount, currency: input.currency })),
    ],
  };
}
