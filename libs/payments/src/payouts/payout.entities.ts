import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';

/** A profile's account at the provider that payouts go to (a Stripe Connect Express account). */
@Entity({ schema: 'payments', name: 'payout_accounts' })
export class PayoutAccountEntity {
  @PrimaryColumn('text')
  id: string;

  @Index('payout_accounts_profile_key', { unique: true })
  @Column('text')
  profileId: string;

  @Column('text')
  provider: string;

  @Index('payout_accounts_provider_account_key', { unique: true })
  @Column('text')
  providerAccountId: string;

  @Column('char', { length: 2 })
  country: string;

  @Column('boolean', { default: false })
  payoutsEnabled: boolean;

  @Column('text', { nullable: true })
  onboardingUrl: string | null;

  /** The time of the latest account.updated event applied (epoch before any): older events are ignored. */
  @Column('timestamptz')
  stateAsOf: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export type PayoutStatus = 'PENDING' | 'PAID' | 'FAILED';

/** What a payout pays: a campaign's funds to its creator, a contest's prize to a designer, or a winning designer's royalty on a campaign. */
export type PayoutKind = 'CAMPAIGN_FUNDS' | 'CONTEST_PRIZE' | 'ROYALTY';

@Entity({ schema: 'payments', name: 'payouts' })
@Index('payouts_recipient_idx', ['recipientProfileId', 'id'])
@Index('payouts_pending_idx', ['recipientProfileId'], { where: `"status" = 'PENDING'` })
@Check('payouts_status_check', `"status" IN ('PENDING', 'PAID', 'FAILED')`)
@Check('payouts_amount_positive', `"amount" > 0`)
@Check('payouts_kind_check', `"kind" IN ('CAMPAIGN_FUNDS', 'CONTEST_PRIZE', 'ROYALTY')`)
export class PayoutEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  recipientProfileId: string;

  @Column('bigint', { transformer: bigintAsNumber })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('text')
  status: PayoutStatus;

  @Column('text')
  kind: PayoutKind;

  /** The campaign or contest that earned it. */
  @Column('text')
  sourceId: string;

  /** The caller's key: the same key is the same payout. */
  @Index('payouts_idempotency_key', { unique: true })
  @Column('text')
  idempotencyKey: string;

  @Index('payouts_transfer_id_key', { unique: true })
  @Column('text', { nullable: true })
  transferId: string | null;

  @Column('text', { nullable: true })
  failureReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  paidAt: Date | null;

  @Column('timestamptz', { nullable: true })
  failedAt: Date | null;
}
