import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A profile's customer at a payment provider (one per provider). */
@Entity({ schema: 'payments', name: 'customers' })
export class CustomerEntity {
  @PrimaryColumn('text')
  profileId: string;

  @PrimaryColumn('text')
  provider: string;

  @Index('customers_customer_id_key', { unique: true })
  @Column('text')
  customerId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
