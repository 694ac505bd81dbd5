import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';

export type ChargeStatus = 'succeeded' | 'failed';

/**
 * What the provider says about each charge (PaymentIntent) we made: written when the facade's
 * call returns and reconciled by webhooks, which may arrive late, twice or out of order. A
 * succeeded charge never goes back to failed, and the refunded amount only grows.
 */
@Entity({ schema: 'payments', name: 'charges' })
@Check('charges_status_check', `"status" IN ('succeeded', 'failed')`)
@Check('charges_refund_within_amount', `"amount_refunded" >= 0 AND "amount_refunded" <= "amount"`)
export class ChargeEntity {
  /** The provider's id (a PaymentIntent id). */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  provider: string;

  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('bigint', { transformer: bigintAsNumber })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('text')
  status: ChargeStatus;

  @Column('text', { nullable: true })
  declineCode: string | null;

  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  amountRefunded: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
