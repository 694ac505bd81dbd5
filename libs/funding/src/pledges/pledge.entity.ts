import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';
import type { PledgeStatus } from './pledge-status.machine';

@Entity({ schema: 'funding', name: 'pledges' })
// One live pledge per backer per campaign, enforced by the database under any concurrency.
@Index('pledges_one_live_per_backer', ['campaignId', 'backerId'], {
  unique: true,
  where: `"status" IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED')`,
})
// Totals by status, and settlement's keyset walk over a campaign's PENDING pledges.
@Index('pledges_campaign_status_idx', ['campaignId', 'status', 'id'])
@Index('pledges_campaign_idx', ['campaignId', 'id'])
@Index('pledges_backer_idx', ['backerId', 'id'])
@Index('pledges_tier_idx', ['tierId'])
@Check('pledges_status_check', `"status" IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED', 'DROPPED', 'CANCELED', 'REFUNDED')`)
@Check('pledges_amount_positive', `"amount" > 0`)
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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
