import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';
import { INCREMENT_STATES, type IncrementState } from './payment-increment.machine';
import { PAYMENT_PLANS, type PaymentPlan } from './payment-plan';
import { LIVE_PLEDGE_STATUSES_SQL, PLEDGE_STATUSES, sqlStatusList, type PledgeStatus } from './pledge-status.machine';

@Entity({ schema: 'funding', name: 'pledges' })
// One live pledge per backer per campaign, enforced by the database under any concurrency.
@Index('pledges_one_live_per_backer', ['campaignId', 'backerId'], {
  unique: true,
  where: `"status" IN ${LIVE_PLEDGE_STATUSES_SQL}`,
})
// Totals by status, and settlement's keyset walk over a campaign's PENDING pledges.
@Index('pledges_campaign_status_idx', ['campaignId', 'status', 'id'])
@Index('pledges_campaign_idx', ['campaignId', 'id'])
@Index('pledges_backer_idx', ['backerId', 'id'])
@Index('pledges_tier_idx', ['tierId'])
// Analytics' timelines and windows read the pledges made between two instants.
@Index('pledges_created_at_idx', ['createdAt'])
@Check('pledges_status_check', `"status" IN ${sqlStatusList(PLEDGE_STATUSES)}`)
@Check('pledges_amount_positive', `"amount" > 0`)
@Check('pledges_payment_plan_check', `"payment_plan" IN ${sqlStatusList(PAYMENT_PLANS)}`)
@Check('pledges_collected_has_charge', `"status" NOT IN ('COLLECTED', 'REFUNDED') OR "charge_id" IS NOT NULL`)
export class PledgeEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  campaignId: string;

  @Column('text')
  backerId: string;

  @Column('text', { nullable: true })
  tierId: string | null;

  @Column('bigint', { transformer: bigintAsNumber })
  amount: number;

  /** Always the campaign's currency. */
  @Column('char', { length: 3 })
  currency: string;

  @Column('text')
  status: PledgeStatus;

  /** Why the latest charge failed, as the provider said it. */
  @Column('text', { nullable: true })
  failureReason: string | null;

  /** Declined charges so far: the next charge's key is pledge:<id>:charge:<failedAttempts + 1>. */
  @Column('integer', { default: 0 })
  failedAttempts: number;

  /** The saved card: the provider's customer and payment method. */
  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text', { nullable: true })
  paymentMethodId: string | null;

  /** The provider's charge (PaymentIntent) that collected it. */
  @Column('text', { nullable: true })
  chargeId: string | null;

  @Column('timestamptz', { nullable: true })
  collectedAt: Date | null;

  /** The campaign payout that took this pledge's money out of escrow; null while it is still in escrow. */
  @Column('integer', { nullable: true })
  paidOutIn: number | null;

  /** Set while an admin's refund is with the provider, so no payout takes the money meanwhile. */
  @Column('timestamptz', { nullable: true })
  refundRequestedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;

  /** PAY_IN_FULL: one charge of `amount`; PLEDGE_OVER_TIME: its payments are rows of funding.pledge_increments. */
  @Column('text', { default: 'PAY_IN_FULL' })
  paymentPlan: PaymentPlan;

  /** Made after the campaign's successful end, as a late pledge. */
  @Column('boolean', { default: false })
  late: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** The add-ons a pledge carries, with their quantities (replaced as a whole by updatePledge). */
@Entity({ schema: 'funding', name: 'pledge_add_ons' })
@Index('pledge_add_ons_add_on_idx', ['addOnId'])
@Check('pledge_add_ons_quantity_positive', `"quantity" >= 1`)
export class PledgeAddOnEntity {
  @PrimaryColumn('text')
  pledgeId: string;

  @PrimaryColumn('text')
  addOnId: string;

  @Column('integer')
  quantity: number;
}

/**
 * One payment of a PLEDGE_OVER_TIME pledge: its own charge (provider key
 * pledge:<id>:increment:<n>:charge:<attempt>), its own journal entry, its own payout mark.
 * States move only through IncrementGate (payment-increment.machine.ts).
 */
@Entity({ schema: 'funding', name: 'pledge_increments' })
@Index('pledge_increments_due_idx', ['state', 'dueAt'])
@Index('pledge_increments_campaign_idx', ['campaignId', 'state'])
@Check('pledge_increments_state_check', `"state" IN ${sqlStatusList(INCREMENT_STATES)}`)
@Check('pledge_increments_amount_positive', `"amount" > 0`)
@Check('pledge_increments_number_positive', `"number" >= 1`)
@Check('pledge_increments_collected_has_charge', `"state" NOT IN ('COLLECTED', 'REFUNDED') OR "charge_id" IS NOT NULL`)
export class PledgeIncrementEntity {
  @PrimaryColumn('text')
  pledgeId: string;

  /** 1, 2, 3... */
  @PrimaryColumn('integer')
  number: number;

  @Column('text')
  campaignId: string;

  @Column('bigint', { transformer: bigintAsNumber })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('timestamptz')
  dueAt: Date;

  @Column('text')
  state: IncrementState;

  /** Declined charges of this payment so far: the next key is ...:charge:<failedAttempts + 1>. */
  @Column('integer', { default: 0 })
  failedAttempts: number;

  @Column('text', { nullable: true })
  failureReason: string | null;

  /** A later payment that failed may be fixed until then (now + PAYMENT_RETRY_WINDOW_SECONDS at the failure). */
  @Column('timestamptz', { nullable: true })
  retryUntil: Date | null;

  @Column('text', { nullable: true })
  chargeId: string | null;

  @Column('timestamptz', { nullable: true })
  collectedAt: Date | null;

  /** The campaign payout that took this payment out of escrow; null while it is still there. */
  @Column('integer', { nullable: true })
  paidOutIn: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
