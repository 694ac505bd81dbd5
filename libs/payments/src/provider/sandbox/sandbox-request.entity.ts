import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';

/**
 * The sandbox provider's memory, as Stripe's servers keep theirs: each request's idempotency
 * key, its fingerprint and its response, so a retry (even after our process crashed) gets
 * the same answer, and the objects it made (charges, refunds, accounts, transfers).
 * Written in its own statement, never in the caller's transaction: the provider's effects do
 * not roll back with ours.
 */
@Entity({ schema: 'payments', name: 'sandbox_requests' })
@Index('sandbox_requests_parent_idx', ['parentId'])
export class SandboxRequestEntity {
  @PrimaryColumn('text')
  idempotencyKey: string;

  @Column('text')
  operation: string;

  @Column('text')
  requestHash: string;

  /** The object the request made (pi_, re_, acct_, tr_, cus_, seti_). */
  @Index('sandbox_requests_object_key', { unique: true })
  @Column('text', { nullable: true })
  objectId: string | null;

  /** The object it belongs to: a refund's charge, a transfer's account. */
  @Column('text', { nullable: true })
  parentId: string | null;

  /** The money a charge, refund or transfer moved. */
  @Column('bigint', { nullable: true, transformer: bigintAsNumber })
  amount: number | null;

  @Column('char', { length: 3, nullable: true })
  currency: string | null;

  @Column('jsonb')
  response: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
