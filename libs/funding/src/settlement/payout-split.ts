/**
 * How one payout of a campaign divides what it pays out (issue #10, parts 5 and 7): the
 * platform's fee, the prize and fee of contests funded from the campaign's escrow (taken off the
 * creator's part at the campaign's first payout), and the royalty of each linked contest's
 * winning designer. Other payout rules (later payouts, pledges over time) extend this function
 * rather than the payout service. Pure and Nest-free.
 *
 * Royalty: the winner of a contest with winnerRoyaltyBps earns that share of everything the
 * campaign collects and pays out, refunds excluded (a pledge refunded before a payout is not
 * in its gross), rounded half-even on the running total, so the rounding happens once, not once
 * per payout: after n payouts the contest's share is exactly royaltyOf(total gross, bps).
 *   - the contest has no winner yet (PENDING): the share stays in the campaign's escrow;
 *   - it has a winner (WON): this payout's share and everything held so far go to the winner;
 *   - it ended without one (VOID: canceled, or its prize split among finalists): this payout's
 *     share and everything held go back to the creator.
 */
import { basisPointsOf } from '@foule/payments';

export type RoyaltyOutcome = 'PENDING' | 'WON' | 'VOID';

export interface RoyaltyState {
  contestId: string;
  bps: number;
  /** Royalty counted so far at earlier payouts (paid, held or returned). */
  accrued: number;
  /** The part of `accrued` already paid to the winner or returned to the creator. */
  settled: number;
  outcome: RoyaltyOutcome;
  winnerId: string | null;
}

export interface PayoutSplitInput {
  /** Collected money this payout pays out. */
  gross: number;
  /** Collected money earlier payouts paid out. */
  grossBefore: number;
  platformFeeBps: number;
  /** Prize and fee of campaign-funded contests this payout takes off the creator's part. */
  deducted: number;
  royalties: readonly RoyaltyState[];
}

export interface RoyaltySettlement {
  contestId: string;
  /** This payout's share. */
  accrual: number;
  /** Out of escrow to the winner now. */
  paid: number;
  /** Back to the creator now. */
  returned: number;
  winnerId: string | null;
  accrued: number;
  settled: number;
}

export interface PayoutSplit {
  fee: number;
  deducted: number;
  /** The royalty shares of this payout (held, paid or returned: none of it is the creator's). */
  withheld: number;
  /** Royalty going back to the creator (this payout's share and what was held, of VOID contests). */
  released: number;
  creator: number;
  royalties: RoyaltySettlement[];
}

const BPS_MAX = 10_000;

/** `bps` of `amount`, rounded half-even (the royalty of a running total). */
export function royaltyOf(amount: number, bps: number): number {
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > BPS_MAX) throw new RangeError(`a royalty is 0 to ${BPS_MAX} bps, got ${bps}`);
  return basisPointsOf(amount, bps);
}

export function payoutSplit(input: PayoutSplitInput): PayoutSplit {
  const { gross, grossBefore, platformFeeBps, deducted } = input;
  for (const [what, value] of [['gross', gross], ['grossBefore', grossBefore], ['deducted', deducted]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
  const fee = basisPointsOf(gross, platformFeeBps);
  const royalties = input.royalties.map((royalty): RoyaltySettlement => {
    if (royalty.settled > royalty.accrued) throw new RangeError(`contest ${royalty.contestId} settled more royalty than it accrued`);
    const accrued = royaltyOf(grossBefore + gross, royalty.bps);
    const accrual = accrued - royalty.accrued;
    if (accrual < 0) throw new RangeError(`contest ${royalty.contestId}: the royalty of a growing total cannot shrink`);
    const owed = accrued - royalty.settled;
    if (royalty.outcome === 'WON') {
      if (!royalty.winnerId) throw new RangeError(`contest ${royalty.contestId} won without a winner`);
      return { contestId: royalty.contestId, accrual, paid: owed, returned: 0, winnerId: royalty.winnerId, accrued, settled: accrued };
    }
    if (royalty.outcome === 'VOID') return { contestId: royalty.contestId, accrual, paid: 0, returned: owed, winnerId: null, accrued, settled: accrued };
    return { contestId: royalty.contestId, accrual, paid: 0, returned: 0, winnerId: null, accrued, settled: royalty.settled };
  });
  const withheld = royalties.reduce((sum, royalty) => sum + royalty.accrual, 0);
  const released = royalties.reduce((sum, royalty) => sum + royalty.returned, 0);
  const creator = gross - fee - deducted - withheld + released;
  if (creator < 0) throw new RangeError(`a payout of ${gross} cannot take ${fee} fee, ${deducted} deducted and ${withheld} royalty`);
  return { fee, deducted, withheld, released, creator, royalties };
}

/** Whether a payout would move anything at all. */
export const movesMoney = (split: PayoutSplit, gross: number) =>
  gross > 0 || split.released > 0 || split.royalties.some((royalty) => royalty.paid > 0);
