import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The inbox: each provider event id is handled once, in the transaction that records it. */
@Entity({ schema: 'payments', name: 'webhook_events' })
export class WebhookEventEntity {
  /** The provider's event id (evt_...). */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  type: string;

  /** When the provider created the event. */
  @Column('timestamptz')
  occurredAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt: Date;

  @Column('jsonb')
  payload: unknown;
}
