/**
 * Every email leaves through here, from a job written in the transaction of the change that
 * causes it (the job table is the outbox): a crash before the commit sends nothing, a crash after
 * it loses nothing. Before sending, the job checks the sent-marker row of the email's id, and
 * writes it once the mail server took the email: a retried job sends nothing twice, except an
 * email whose server accepted it just before a crash, which goes again with the same Message-ID.
 * A mail server that is down fails the job, which pg-boss retries with a doubling delay.
 *
 * Notification emails are queued by the notification delivery, in its transaction, as jobs of up
 * to NOTIFICATION_EMAILS_PER_JOB notification ids written by one INSERT per batch: a fan-out to
 * 10,000 recipients costs a few statements, not 10,000. Each email of such a job is sent or
 * skipped on its own (its id is `notification:<notification id>`); one refused email does not
 * hold back the others, and the job fails after trying them all, so its retry sends only the rest.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, JobScheduler, serverSecret, type AppConfig } from '@foule/shared';
import { ProfileEntity } from '../profiles/profile.entity';
import { DEFAULT_EMAIL_KINDS_PARAM, emailedKindCondition } from '../notifications/notification-kinds';
import { NotificationEmailQueue } from '../notifications/notification-emails';
import type { NotificationNotice } from '../notifications/notification-notice';
import { EmailTokenEntity, SentEmailEntity } from './email.entities';
import { notificationMessage, resetPasswordMessage, verifyEmailMessage } from './email-templates';
import { EmailKeys } from './email-token';
import { MailTransport, type OutgoingEmail } from './mail-transport';

export const SEND_EMAIL_QUEUE = 'community.email.send';

/** How many notification emails one job sends. */
export const NOTIFICATION_EMAILS_PER_JOB = 50;

/** What an email job holds: ids only, never a token or a message body. */
export type EmailJob = { kind: 'email-token'; tokenId: string } | { kind: 'notifications'; notificationIds: string[] };


@Injectable()
export class EmailOutbox implements NotificationEmailQueue {
  private readonly logger = new Logger('Mail');
  readonly keys: EmailKeys;
  private readonly messageIdDomain: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobScheduler,
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.keys = new EmailKeys(serverSecret(config));
    this.messageIdDomain = /@([^>\s]+)>?\s*$/.exec(config.mailFrom)?.[1] ?? 'localhost';
    jobs.define<EmailJob>({
      name: SEND_EMAIL_QUEUE,
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 2,
      handle: (job, { retryCount }) => this.deliver(job, retryCount),
    });
  }

  /** Queues an email in the caller's transaction: it goes out if and only if that transaction commits. */
  async enqueue(manager: EntityManager, job: { kind: 'email-token'; tokenId: string }): Promise<void> {
    await this.jobs.enqueue(SEND_EMAIL_QUEUE, job, { manager, key: emailIdOf(job) });
  }

  /**
   * Queues the emails of these just-inserted notifications in the caller's transaction (the
   * notification delivery's), in jobs of NOTIFICATION_EMAILS_PER_JOB, with one statement.
   */
  async enqueueNotificationEmails(manager: EntityManager, notificationIds: string[]): Promise<void> {
    const jobs: EmailJob[] = [];
    for (let start = 0; start < notificationIds.length; start += NOTIFICATION_EMAILS_PER_JOB) {
      jobs.push({ kind: 'notifications', notificationIds: notificationIds.slice(start, start + NOTIFICATION_EMAILS_PER_JOB) });
    }
    await this.jobs.enqueueMany(SEND_EMAIL_QUEUE, jobs, { manager });
  }

  private async deliver(job: EmailJob, retryCount: number): Promise<void> {
    if (job.kind === 'notifications') return this.deliverNotifications(job.notificationIds, retryCount);
    const emailId = emailIdOf(job);
    if (await this.dataSource.getRepository(SentEmailEntity).existsBy({ emailId })) return;
    const email = await this.compose(job);
    if (!email) return;
    try {
      await this.transport.send(email);
    } catch (error) {
      this.logger.warn(
        `email ${emailId} to ${email.to} not sent (attempt ${retryCount + 1}), retried later: ${(error as Error).message}`,
      );
      throw error;
    }
    await this.markSent(emailId, email.messageId);
  }

  /**
   * One job's notification emails: each not sent yet, to a profile that still has the kind on, is
   * sent and recorded; a failure is logged and the others still go; the job then fails for a retry.
   */
  private async deliverNotifications(notificationIds: string[], retryCount: number): Promise<void> {
    const rows = await this.dataSource.query<NotificationToEmail[]>(
      `SELECT n.id, n.kind, n.message, n.event_key, p.id AS profile_id, p.email, p.display_name
         FROM community.notifications n
         JOIN community.profiles p ON p.id = n.recipient_id
         LEFT JOIN community.notification_settings s ON s.profile_id = n.recipient_id
        WHERE n.id = ANY($1) AND ${emailedKindCondition('s', 'n.kind', '$2')}
          AND NOT EXISTS (SELECT 1 FROM community.sent_emails e WHERE e.email_id = 'notification:' || n.id)
        ORDER BY n.id`,
      [notificationIds, DEFAULT_EMAIL_KINDS_PARAM],
    );
    if (rows.length === 0) return;
    // The notices behind them (one or a few facts per job), for what the notification row does not keep: a deadline.
    const notices = new Map(
      (
        await this.dataSource.query<{ key: string; notice: NotificationNotice }[]>(
          'SELECT key, notice FROM community.notification_outbox WHERE key = ANY($1)',
          [[...new Set(rows.map((row) => row.event_key))]],
        )
      ).map((row) => [row.key, row.notice]),
    );
    let failed: Error | undefined;
    for (const row of rows) {
      const emailId = `notification:${row.id}`;
      const messageId = `<notification.${row.id}@${this.messageIdDomain}>`;
      const unsubscribeUrl = `${this.config.publicUrl}/unsubscribe?token=${this.keys.unsubscribeToken(row.profile_id, row.kind)}`;
      const message = notificationMessage({
        recipientName: row.display_name,
        kind: row.kind,
        message: row.message,
        deadline: notices.get(row.event_key)?.deadline,
        appUrl: `${this.config.publicUrl}/`,
        unsubscribeUrl,
      });
      try {
        await this.transport.send({ ...message, to: row.email, messageId, links: [unsubscribeUrl], unsubscribeUrl });
      } catch (error) {
        failed = error as Error;
        this.logger.warn(
          `email ${emailId} to ${row.email} not sent (attempt ${retryCount + 1}), retried later: ${failed.message}`,
        );
        continue;
      }
      await this.markSent(emailId, messageId);
    }
    if (failed) throw failed;
  }

  private async markSent(emailId: string, messageId: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SentEmailEntity)
      .values({ emailId, messageId })
      .orIgnore()
      .execute();
  }

  /** The email of a job, or undefined when there is nothing left to send (a link already used). */
  private async compose(job: { kind: 'email-token'; tokenId: string }): Promise<OutgoingEmail | undefined> {
    const token = await this.dataSource.getRepository(EmailTokenEntity).findOneBy({ id: job.tokenId });
    if (!token || token.usedAt) return undefined;
    const profile = await this.dataSource.getRepository(ProfileEntity).findOneByOrFail({ id: token.profileId });
    const page = token.purpose === 'verify-email' ? 'verify-email' : 'reset-password';
    const url = `${this.config.publicUrl}/${page}?token=${this.keys.tokenSecret(token.id)}`;
    const link = { recipientName: profile.displayName, url };
    const message = token.purpose === 'verify-email' ? verifyEmailMessage(link) : resetPasswordMessage(link);
    return { ...message, to: token.email, messageId: this.messageId(job), links: [url] };
  }

  private messageId(job: { kind: 'email-token'; tokenId: string }): string {
    return `<${emailIdOf(job).replace(':', '.')}@${this.messageIdDomain}>`;
  }
}

interface NotificationToEmail {
  id: string;
  kind: string;
  message: string;
  event_key: string;
  profile_id: string;
  email: string;
  display_name: string;
}

function emailIdOf(job: { kind: 'email-token'; tokenId: string }): string {
  return `${job.kind}:${job.tokenId}`;
}
