import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';
import type { FundingModel } from './campaign-rules';
import type { CampaignStatus } from './campaign-status.machine';

@Entity({ schema: 'funding', name: 'campaigns' })
@Index('campaigns_status_idx', ['status', 'id'])
@Index('campaigns_creator_idx', ['creatorId', 'id'])
@Index('campaigns_category_idx', ['categoryKey', 'id'])
// A trigram index for the title search (ILIKE '%term%'), written by hand in the migration.
@Index('campaigns_title_trgm_idx', { synchronize: false })
@Check('campaigns_status_check', `"status" IN ('DRAFT', 'LIVE', 'SUCCESSFUL', 'FAILED', 'CANCELED')`)
@Check('campaigns_funding_model_check', `"funding_model" IN ('ALL_OR_NOTHING', 'FLEXIBLE')`)
@Check('campaigns_goal_positive', `"goal_amount" > 0`)
@Check('campaigns_paid_out_non_negative', `"paid_out_amount" >= 0`)
export class CampaignEntity {
  @PrimaryColumn('text')
  id: string;

  @Index('campaigns_slug_key', { unique: true })
  @Column('text')
  slug: string;

  @Column('text')
  title: string;

  @Column('text')
  blurb: string;

  @Column('text')
  description: string;

  /** As the creator typed it. */
  @Column('text')
  category: string;

  /** Trimmed and lower-cased, for filtering. */
  @Column('text')
  categoryKey: string;

  @Column('text')
  creatorId: string;

  @Column('text')
  status: CampaignStatus;

  @Column('text')
  fundingModel: FundingModel;

  /** The goal in minor units of `currency`, the campaign's currency: tiers, stretch goals and pledges use it too. */
  @Column('bigint', { transformer: bigintAsNumber })
  goalAmount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('timestamptz')
  deadline: Date;

  @Column('timestamptz', { nullable: true })
  launchedAt: Date | null;

  /** When the campaign ended: its deadline, or when it was canceled. */
  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;

  @Column('text', { nullable: true })
  cancelReason: string | null;

  /** When the deadline's charges were all made (ALL_OR_NOTHING, SUCCESSFUL). */
  @Column('timestamptz', { nullable: true })
  chargesCompletedAt: Date | null;

  /** Until when backers may fix failed payments (retryPledgePayment); then they are dropped. */
  @Column('timestamptz', { nullable: true })
  retryWindowEndsAt: Date | null;

  /** How many payouts were made to the creator (their keys are campaign:<id>:payout:<n>). */
  @Column('integer', { default: 0 })
  payoutsMade: number;

  /** Collected money that left escrow for the creator and the platform fee, in minor units. */
  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  paidOutAmount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ schema: 'funding', name: 'reward_tiers' })
@Index('reward_tiers_campaign_idx', ['campaignId'])
@Check('reward_tiers_minimum_positive', `"minimum" > 0`)
// The database itself refuses to oversell, whatever the code does.
@Check('reward_tiers_claimed_within_limit', `"claimed" >= 0 AND ("quantity_limit" IS NULL OR "claimed" <= "quantity_limit")`)
export class RewardTierEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  campaignId: string;

  @Column('text')
  title: string;

  @Column('text')
  description: string;

  @Column('bigint', { transformer: bigintAsNumber })
  minimum: number;

  /** null: unlimited. */
  @Column('integer', { nullable: true })
  quantityLimit: number | null;

  /** Units held by live pledges (PENDING, COLLECTED, PAYMENT_FAILED). */
  @Column('integer', { default: 0 })
  claimed: number;

  @Column('timestamptz', { nullable: true })
  estimatedDelivery: Date | null;

  /** Removed tiers stay for the pledges that chose them, hidden from the campaign. */
  @Column('timestamptz', { nullable: true })
  removedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ schema: 'funding', name: 'stretch_goals' })
@Index('stretch_goals_campaign_idx', ['campaignId'])
export class StretchGoalEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  campaignId: string;

  @Column('text')
  title: string;

  @Column('text')
  description: string;

  @Column('bigint', { transformer: bigintAsNumber })
  target: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ schema: 'funding', name: 'campaign_updates' })
@Index('campaign_updates_campaign_idx', ['campaignId', 'id'])
export class CampaignUpdateEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  campaignId: string;

  @Column('text')
  authorId: string;

  @Column('text')
  title: string;

  @Column('text')
  body: string;

  @Column('boolean', { default: false })
  backersOnly: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  publishedAt: Date;
}
