/**
 * Notifications through the outbox. `notify` writes the fact in its producer's transaction,
 * with a delivery job (pg-boss, same transaction); the job turns it into one notification per
 * recipient in a transaction of its own and stamps the outbox row delivered. A crash before
 * that commit leaves the row pending (boot queues every pending row again); a run repeated
 * after it adds nothing, because (event key, recipient) is unique. Recipients are resolved
 * per audience in one query each and inserted in batches, so 10,000 backers cost a few
 * statements, not 10,000. The same transaction queues the emails of the notifications whose kind
 * their recipient has on (notificationSettings.emailKinds): one more statement per batch, and
 * the email jobs exist if and only if the notifications do (NotificationEmailQueue, implemented by the email outbox).
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CrashPoints,
  JobScheduler,
  PUB_SUB,
  decodeCursor,
  isIdOf,
  newId,
  newIdAt,
  pageSize,
  toConnection,
  updateReturning,
  type ConnectionShape,
  type PageArgs,
  type Viewer,
} from '@foule/shared';
import { NotificationEmailQueue } from './notification-emails';
import { DEFAULT_EMAIL_KINDS_PARAM, emailedKindCondition } from './notification-kinds';
import { NotificationEntity } from './notification.entities';
import { recipientsOf, type AudienceRef, type AudienceResolver, type NotificationNotice } from './notification-notice';

export const DELIVER_NOTIFICATIONS_QUEUE = 'community.deliver-notifications';
const INSERT_BATCH = 5_000;

export const notificationAddedTopic = (profileId: string) => `community.notificationAdded.${profileId}`;

interface DeliveryJob {
  outboxId: string;
}

@Injectable()
export class NotificationService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Notifications');
  private readonly audiences = new Map<string, AudienceResolver>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobScheduler,
    private readonly crashPoints: CrashPoints,
    @Inject(PUB_SUB) private readonly pubsub: PubSubEngine,
    private readonly emails: NotificationEmailQueue,
  ) {
    jobs.define<DeliveryJob>({
      name: DELIVER_NOTIFICATIONS_QUEUE,
      handle: ({ outboxId }) => this.deliver(outboxId),
      concurrency: 2,
      retryDelaySeconds: 1,
    });
    this.registerAudience('community.followers', async (profileId) =>
      (
        await this.dataSource.query<{ id: string }[]>('SELECT follower_id AS id FROM community.follows WHERE followee_id = $1', [
          profileId,
        ])
      ).map((row) => row.id),
    );
  }

  /** Facts written before a crash and never delivered are queued again. */
  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM community.notification_outbox WHERE delivered_at IS NULL ORDER BY id',
    );
    for (const { id } of pending) await this.jobs.enqueue<DeliveryJob>(DELIVER_NOTIFICATIONS_QUEUE, { outboxId: id });
    if (pending.length) this.logger.log(`queued ${pending.length} undelivered notification fact(s) again`);
  }

  registerAudience(name: string, resolver: AudienceResolver): void {
    if (this.audiences.has(name)) throw new Error(`Audience ${name} is registered twice`);
    this.audiences.set(name, resolver);
  }

  /** Writes the fact in the caller's transaction; the same key twice is one fact. */
  async notify(manager: EntityManager, notice: NotificationNotice): Promise<void> {
    for (const audience of notice.audiences ?? []) this.audience(audience);
    const outboxId = newId('outbox');
    const written = await manager.query<{ id: string }[]>(
      `INSERT INTO community.notification_outbox (id, key, notice) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING id`,
      [outboxId, notice.key, notice],
    );
    if (written.length) await this.jobs.enqueue<DeliveryJob>(DELIVER_NOTIFICATIONS_QUEUE, { outboxId }, { manager });
  }

  /** The delivery job: one outbox row to its recipients, once. */
  async deliver(outboxId: string): Promise<void> {
    const created = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<{ notice: NotificationNotice }[]>(
        `SELECT notice FROM community.notification_outbox WHERE id = $1 AND delivered_at IS NULL FOR UPDATE SKIP LOCKED`,
        [outboxId],
      );
      if (!row) return [];
      this.crashPoints.before('notifications.delivery');
      const notice = row.notice;
      const audiences = await Promise.all((notice.audiences ?? []).map((audience) => this.audience(audience)(audience.id)));
      const recipients = recipientsOf(notice, audiences);
      const inserted: NotificationEntity[] = [];
      for (let start = 0; start < recipients.length; start += INSERT_BATCH) {
        const batch = recipients.slice(start, start + INSERT_BATCH);
        // Only the rows inserted now (a replay inserts none) are emailed, so a retry emails nobody twice.
        const rows = await manager.query<(Record<string, unknown> & { emailed: boolean })[]>(
          `WITH inserted AS (
             INSERT INTO community.notifications (id, recipient_id, event_key, kind, message, subject_id, related_ids)
             SELECT r.id, r.recipient_id, $3, $4, $5, $6, $7::text[] FROM unnest($1::text[], $2::text[]) AS r(id, recipient_id)
             ON CONFLICT (event_key, recipient_id) DO NOTHING
             RETURNING id, recipient_id, kind, message, subject_id, related_ids, created_at, read_at)
           SELECT inserted.*, ${emailedKindCondition('s', 'inserted.kind', '$8')} AS emailed
             FROM inserted LEFT JOIN community.notification_settings s ON s.profile_id = inserted.recipient_id`,
          [
            // Sorted at the fact's time: two facts' deliveries may run in either order (two at once).
            batch.map(() => newIdAt('notification', outboxId)),
            batch,
            notice.key,
            notice.kind,
            notice.message,
            notice.subjectId,
            notice.relatedIds ?? [],
            DEFAULT_EMAIL_KINDS_PARAM,
          ],
        );
        inserted.push(...rows.map(toEntity));
        await this.emails.enqueueNotificationEmails(
          manager,
          rows.filter((row) => row.emailed).map((row) => row.id as string),
        );
      }
      await updateReturning(manager, `UPDATE community.notification_outbox SET delivered_at = now() WHERE id = $1 RETURNING id`, [
        outboxId,
      ]);
      return inserted;
    });
    // After the commit: a subscriber that loads the notification finds it.
    for (const notification of created) {
      try {
        await this.pubsub.publish(notificationAddedTopic(notification.recipientId), { notificationAdded: notification });
      } catch (error) {
        this.logger.warn(`could not publish notification ${notification.id}: ${String(error)}`);
      }
    }
  }

  async page(viewer: Viewer, unreadOnly: boolean, args: PageArgs): Promise<ConnectionShape<NotificationEntity>> {
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after) : null;
    const unread = unreadOnly ? 'AND read_at IS NULL' : '';
    const [rows, [{ count }]] = await Promise.all([
      this.dataSource.query<Record<string, unknown>[]>(
        `SELECT id, recipient_id, kind, message, subject_id, related_ids, created_at, read_at FROM community.notifications
          WHERE recipient_id = $1 AND ($2::text IS NULL OR id < $2) ${unread} ORDER BY id DESC LIMIT ${size + 1}`,
        [viewer.profileId, after],
      ),
      this.dataSource.query<{ count: string }[]>(
        `SELECT count(*) FROM community.notifications WHERE recipient_id = $1 ${unread}`,
        [viewer.profileId],
      ),
    ]);
    return toConnection(rows.map(toEntity), size, args, Number(count), (row) => row.id);
  }

  async findOwn(viewer: Viewer, id: string): Promise<NotificationEntity | null> {
    if (!isIdOf('notification', id)) return null;
    const [row] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT id, recipient_id, kind, message, subject_id, related_ids, created_at, read_at FROM community.notifications WHERE id = $1 AND recipient_id = $2`,
      [id, viewer.profileId],
    );
    return row ? toEntity(row) : null;
  }

  /**
   * Marks the viewer's notifications read: these ids, or all when ids is null. Ids that are not
   * the viewer's unread notifications are ignored (they change nothing, and saying which
   * exist would tell about other profiles' notifications); the answer counts what changed.
   */
  async markRead(viewer: Viewer, ids: string[] | null | undefined): Promise<number> {
    const only = ids ? ids.filter((id) => isIdOf('notification', id)) : null;
    if (only && only.length === 0) return 0;
    const changed = await updateReturning(
      this.dataSource.manager,
      `UPDATE community.notifications SET read_at = now()
        WHERE recipient_id = $1 AND read_at IS NULL AND ($2::text[] IS NULL OR id = ANY($2)) RETURNING id`,
      [viewer.profileId, only],
    );
    return changed.length;
  }

  subscribe(viewer: Viewer): AsyncIterableIterator<unknown> {
    return this.pubsub.asyncIterableIterator(notificationAddedTopic(viewer.profileId));
  }

  private audience(ref: AudienceRef): AudienceResolver {
    const resolver = this.audiences.get(ref.name);
    if (!resolver) throw new Error(`Unknown notification audience ${ref.name}`);
    return resolver;
  }
}

function toEntity(row: Record<string, unknown>): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id: row.id,
    recipientId: row.recipient_id,
    kind: row.kind,
    message: row.message,
    subjectId: row.subject_id,
    relatedIds: row.related_ids,
    createdAt: new Date(row.created_at as string),
    readAt: row.read_at ? new Date(row.read_at as string) : null,
  });
}
