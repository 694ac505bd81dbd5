import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';
import type { ContestStatus } from './contest-status.machine';

@Entity({ schema: 'contest', name: 'contests' })
@Index('contests_status_idx', ['status', 'id'])
@Index('contests_category_idx', ['categoryKey', 'id'])
@Index('contests_holder_idx', ['holderId', 'id'])
@Index('contests_campaign_idx', ['campaignId', 'id'])
@Check('contests_status_check', `"status" IN ('DRAFT', 'OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION', 'HANDOVER', 'COMPLETED', 'CANCELED')`)
@Check('contests_prize_positive', `"prize_amount" > 0`)
@Check('contests_fee_non_negative', `"fee_amount" >= 0`)
@Check('contests_max_finalists_range', `"max_finalists" BETWEEN 1 AND 10`)
@Check('contests_entry_counter_non_negative', `"entries_numbered" >= 0`)
@Check('contests_open_has_charge', `"status" = 'DRAFT' OR "status" = 'CANCELED' OR "charge_id" IS NOT NULL OR "funded_from_campaign_id" IS NOT NULL`)
@Check('contests_winner_royalty_range', `"winner_royalty_bps" BETWEEN 0 AND 3000 AND ("winner_royalty_bps" = 0 OR "campaign_id" IS NOT NULL)`)
export class ContestEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  holderId: string;

  /** The campaign of the same creator this contest designs for, if any (funding's id; no foreign key across modules). */
  @Column('text', { nullable: true })
  campaignId: string | null;

  /** The winner's share of what the linked campaign collects, in basis points (0 when none). */
  @Column('integer', { default: 0 })
  winnerRoyaltyBps: number;

  /** The holder's campaign whose collected funds paid prize and fee (instead of a card). */
  @Column('text', { nullable: true })
  fundedFromCampaignId: string | null;

  @Column('text')
  title: string;

  @Column('text')
  brief: string;

  /** As the holder typed it. */
  @Column('text')
  category: string;

  /** Trimmed and lower-cased, for filtering. */
  @Column('text')
  categoryKey: string;

  @Column('text')
  status: ContestStatus;

  @Column('bigint', { transformer: bigintAsNumber })
  prizeAmount: number;

  /** CONTEST_FEE_BPS of the prize, fixed when the contest is opened (0 before). */
  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  feeAmount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('boolean')
  guaranteed: boolean;

  @Column('boolean')
  blind: boolean;

  @Column('integer')
  maxFinalists: number;

  @Column('integer')
  qualifyingRoundSeconds: number;

  @Column('integer')
  finalRoundSeconds: number;

  /** Entries numbered so far: the next entry is entries_numbered + 1, taken in the entry's transaction, so numbers have no gaps. */
  @Column('integer', { default: 0 })
  entriesNumbered: number;

  /** Declined opening charges: the next attempt's provider key is contest:<id>:open:charge:<n + 1>. */
  @Column('integer', { default: 0 })
  declinedOpenAttempts: number;

  /** The provider's charge of prize and fee. */
  @Column('text', { nullable: true })
  chargeId: string | null;

  @Column('timestamptz', { nullable: true })
  openedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  qualifyingEndsAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finalistSelectionEndsAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finalRoundEndsAt: Date | null;

  @Column('timestamptz', { nullable: true })
  winnerSelectionEndsAt: Date | null;

  @Column('text', { nullable: true })
  winnerEntryId: string | null;

  /** The winner's final files (HANDOVER_FILE assets), once delivered. */
  @Column('text', { array: true, nullable: true })
  handoverAssetIds: string[] | null;

  @Column('timestamptz', { nullable: true })
  handoverDeliveredAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  canceledAt: Date | null;

  @Column('text', { nullable: true })
  cancelReason: string | null;

  /** Set when the refund of prize and fee is recorded; a CANCELED contest with a charge and no refund yet is refunded by a job. */
  @Column('timestamptz', { nullable: true })
  refundedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
