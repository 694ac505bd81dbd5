import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';
import type { FundingModel } from './campaign-rules';
import type { CollaboratorRole } from './campaign-permissions';
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

  /** When the creator published the prelaunch page (publishPrelaunch): a DRAFT anyone may see and follow. */
  @Column('timestamptz', { nullable: true })
  prelaunchAt: Date | null;

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

  /**
   * Unlocks the secret reward tiers (revealSecretRewards): the creator shares it as a link.
   * Random (CampaignService.create), never derived from the id, and shown to the creator only.
   */
  @Column('text')
  secretRewardToken: string;

  // --- pledge over time and late pledges (issue #11, parts 1 and 3)
  /** Backers may split their pledge into PLEDGE_OVER_TIME_INCREMENTS payments. */
  @Column('boolean', { default: false })
  pledgeOverTime: boolean;

  /** The smallest pledge that may be paid over time, in minor units; null: any amount. */
  @Column('bigint', { transformer: bigintAsNumber, nullable: true })
  pledgeOverTimeMinimum: number | null;

  /** Days of late pledges after a successful end (0: none). */
  @Column('integer', { default: 0 })
  latePledgeDays: number;

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

  /** Units held by live pledges (LIVE_PLEDGE_STATUSES). */
  @Column('integer', { default: 0 })
  claimed: number;

  @Column('timestamptz', { nullable: true })
  estimatedDelivery: Date | null;

  /** Listed and pledgeable only for those who may see the campaign's secret rewards (canSeeSecretTiers). */
  @Column('boolean', { default: false })
  secret: boolean;

  /** What a late pledge on this tier must cover (at least `minimum`); null: `minimum`. */
  @Column('bigint', { transformer: bigintAsNumber, nullable: true })
  latePledgeMinimum: number | null;

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

/** A profile that opened the campaign's secret rewards link (revealSecretRewards with the right token). */
@Entity({ schema: 'funding', name: 'secret_reward_reveals' })
export class SecretRewardRevealEntity {
  @PrimaryColumn('text')
  campaignId: string;

  @PrimaryColumn('text')
  profileId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  revealedAt: Date;
}

/** An item a backer adds to a pledge, priced per unit, optionally limited and tied to some tiers. */
@Entity({ schema: 'funding', name: 'add_ons' })
@Index('add_ons_campaign_idx', ['campaignId'])
@Check('add_ons_price_positive', `"price" > 0`)
@Check('add_ons_max_per_pledge_positive', `"max_per_pledge" >= 1`)
// As for tiers: the database itself refuses to oversell, whatever the code does.
@Check('add_ons_claimed_within_limit', `"claimed" >= 0 AND ("quantity_limit" IS NULL OR "claimed" <= "quantity_limit")`)
export class AddOnEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  campaignId: string;

  @Column('text')
  title: string;

  @Column('text')
  description: string;

  /** Per unit, in minor units of the campaign's currency. */
  @Column('bigint', { transformer: bigintAsNumber })
  price: number;

  /** null: unlimited. */
  @Column('integer', { nullable: true })
  quantityLimit: number | null;

  /** Units held by live pledges (the sum of their quantities). */
  @Column('integer', { default: 0 })
  claimed: number;

  @Column('integer')
  maxPerPledge: number;

  /** The tiers it may be added to; empty: any pledge. */
  @Column('text', { array: true, default: () => "'{}'" })
  tierIds: string[];

  /** Removed add-ons stay for the pledges that once held them, hidden from the campaign. */
  @Column('timestamptz', { nullable: true })
  removedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** "Notify me": a profile following a campaign, from its prelaunch page on; told when it launches (CAMPAIGN_LAUNCHED). */
@Entity({ schema: 'funding', name: 'campaign_followers' })
@Index('campaign_followers_profile_idx', ['profileId', 'campaignId'])
export class CampaignFollowerEntity {
  @PrimaryColumn('text')
  campaignId: string;

  @PrimaryColumn('text')
  profileId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  followedAt: Date;
}

/** A profile the creator added to the campaign's team, with its role (campaign-permissions.ts says what each may do). */
@Entity({ schema: 'funding', name: 'campaign_collaborators' })
@Index('campaign_collaborators_profile_idx', ['profileId', 'campaignId'])
@Check('campaign_collaborators_role_check', `"role" IN ('EDITOR', 'UPDATES', 'VIEWER')`)
export class CampaignCollaboratorEntity {
  @PrimaryColumn('text')
  campaignId: string;

  @PrimaryColumn('text')
  profileId: string;

  @Column('text')
  role: CollaboratorRole;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt: Date;
}
