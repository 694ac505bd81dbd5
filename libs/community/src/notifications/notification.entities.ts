import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { NotificationNotice } from './notification-notice';

/**
 * The transactional outbox of notifications: a module writes one row in the transaction of the
 * state change it tells about (CommunityFacade.notify); the relay turns it into notifications
 * and stamps delivered_at. `key` names the fact, so the same fact written twice is one row.
 */
@Entity({ schema: 'community', name: 'notification_outbox' })
@Index('notification_outbox_pending_idx', ['id'], { where: 'delivered_at IS NULL' })
export class NotificationOutboxEntity {
  @PrimaryColumn('text')
  id: string;

  @Index('notification_outbox_key_key', { unique: true })
  @Column('text')
  key: string;

  @Column('jsonb')
  notice: NotificationNotice;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;
}

/** One notification of one profile. (event_key, recipient_id) is unique: a replayed relay run adds nothing. */
@Entity({ schema: 'community', name: 'notifications' })
@Index('notifications_event_recipient_key', ['eventKey', 'recipientId'], { unique: true })
@Index('notifications_recipient_idx', ['recipientId', 'id'])
@Index('notifications_unread_idx', ['recipientId', 'id'], { where: 'read_at IS NULL' })
export class NotificationEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  recipientId: string;

  @Column('text')
  eventKey: string;

  @Column('text')
  kind: string;

  @Column('text')
  message: string;

  @Column('text', { nullable: true })
  subjectId: string | null;

  /** Further ids the notification is about (the campaign of a pledge, ...), for clients' links. */
  @Column('text', { array: true, default: () => "'{}'" })
  relatedIds: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  readAt: Date | null;
}
