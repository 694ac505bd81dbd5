/**
 * Where the notification delivery queues the emails of the notifications it inserts, in its own
 * transaction. Implemented by the email outbox (email/ depends on notifications/, not the reverse).
 */
import type { EntityManager } from 'typeorm';

export abstract class NotificationEmailQueue {
  /** Queues the emails of these just-inserted notifications (their recipients have the kind on) in `manager`'s transaction. */
  abstract enqueueNotificationEmails(manager: EntityManager, notificationIds: string[]): Promise<void>;
}
