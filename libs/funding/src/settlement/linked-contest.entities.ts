import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';

/**
 * A contest whose prize and fee were paid from this campaign's escrow (openContest with
 * fromCampaignId). The campaign's first payout takes it off the creator's part (deducted_in);
 * a cancellation gives it back: into the escrow before that payout, to the creator after it.
 */
@Entity({ schema: 'funding', name: 'contest_fundings' })
@Index('contest_fundings_campaign_idx', ['campaignId'])
@Check('contest_fundings_prize_positive', `"prize_amount" > 0`)
@Check('contest_fundings_fee_non_negative', `"fee_amount" >= 0`)
@Check('contest_fundings_returned_to_check', `"returned_to" IS NULL OR "returned_to" IN ('ESCROW', 'CREATOR')`)
export class ContestFundingEntity {
  /** Contest's id (no foreign key across modules). */
  @PrimaryColumn('text')
  contestId: string;

  @Column('text')
  campaignId: string;

  @Column('bigint', { transformer: bigintAsNumber })
  prizeAmount: number;

  @Column('bigint', { transformer: bigintAsNumber })
  feeAmount: number;

  @Column('char', { length: 3 })
  currency: string;

  /** The payout (sequence) that took it off the creator's part. */
  @Column('integer', { nullable: true })
  deductedIn: number | null;

  @Column('timestamptz', { nullable: true })
  returnedAt: Date | null;

  /** ESCROW (canceled before the deduction) or CREATOR (after it). */
  @Column('text', { nullable: true })
  returnedTo: 'ESCROW' | 'CREATOR' | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The winner's royalty of a contest linked to this campaign: agreed when the contest is
 * created (before the campaign's first payout), counted at each payout (payout-split.ts).
 */
@Entity({ schema: 'funding', name: 'royalty_agreements' })
@Index('royalty_agreements_campaign_idx', ['campaignId'])
@Check('royalty_agreements_bps_range', `"bps" BETWEEN 1 AND 3000`)
@Check('royalty_agreements_settled_le_accrued', `"settled" >= 0 AND "settled" <= "accrued"`)
export class RoyaltyAgreementEntity {
  @PrimaryColumn('text')
  contestId: string;

  @Column('text')
  campaignId: string;

  @Column('integer')
  bps: number;

  /** Royalty counted at the payouts so far (paid, held in escrow or returned). */
  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  accrued: number;

  /** Of which paid to the winner or returned to the creator. */
  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  settled: number;

  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  paidAmount: number;

  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  returnedAmount: number;

  @Column('text', { nullable: true })
  winnerId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
