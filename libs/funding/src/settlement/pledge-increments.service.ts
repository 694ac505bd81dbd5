/**
 * The later payments of a pledge over time, as durable jobs keyed per pledge and payment
 * (funding.charge-pledge-increment, funding.close-increment-window), idempotent and resumable:
 *
 * - At its due date, a SCHEDULED payment of a COLLECTED pledge is charged off-session with
 *   the pledge's card and the key pledge:<id>:increment:<n>:charge:<attempt>; the outcome is
 *   recorded with a conditional update on (SCHEDULED, attempt). A crash after the provider
 *   charged and before the record leaves the payment SCHEDULED with the same attempt: the job
 *   runs again, sends the same key, and the provider answers with the same charge.
 * - A decline makes it FAILED and the pledge PAYMENT_FAILED; the backer is told
 *   (INCREMENT_FAILED) and may fix it with retryPledgePayment until its window ends. Then the
 *   pledge is DROPPED: it keeps what it collected and gives its units back.
 * - Each collected payment goes out in the creator's next payout (the payout job is scheduled).
 * At boot, whatever the database says is due is queued again.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentsFacade, retryTransient, type ChargeResult } from '@foule/payments';
import { APP_CONFIG, CrashPoints, DomainError, JobScheduler, type AppConfig } from '@foule/shared';
import { CampaignProgress } from '../campaigns/campaign-progress';
import { FundingEvents } from '../funding-events';
import { IncrementGate } from '../pledges/increment-gate';
import { incrementChargeKey, incrementJobKey } from '../pledges/payment-plan';
import { PledgeCollection, type ChargedPledge } from '../pledges/pledge-collection';
import { PledgeGate } from '../pledges/pledge-gate';
import { chargeDescription } from '../pledges/pledge-rules';
import { isLivePledge, type PledgeStatus } from '../pledges/pledge-status.machine';
import {
  CHARGE_INCREMENT_QUEUE,
  CLOSE_INCREMENT_WINDOW_QUEUE,
  type IncrementJob,
} from '../shared/funding-queues';

interface DuePayment {
  pledge_id: string;
  number: number;
  amount: string;
  currency: string;
  state: string;
  due: boolean;
  due_at: Date;
  failed_attempts: number;
  campaign_id: string;
  backer_id: string;
  status: PledgeStatus;
  customer_id: string | null;
  payment_method_id: string | null;
  refund_requested_at: Date | null;
  campaign_status: string;
  campaign_title: string;
}

@Injectable()
export class PledgeIncrementsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('PledgeOverTime');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly collection: PledgeCollection,
    private readonly progress: CampaignProgress,
    private readonly events: FundingEvents,
    private readonly crashPoints: CrashPoints,
  ) {
    jobs.define<IncrementJob>({
      name: CHARGE_INCREMENT_QUEUE,
      handle: async (job) => {
        await this.chargePayment(job);
      },
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
    jobs.define<IncrementJob>({
      name: CLOSE_INCREMENT_WINDOW_QUEUE,
      handle: async (job) => {
        await this.closePaymentWindow(job);
      },
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
  }

  /** The database is the truth: later payments due (or to come) and failed ones' windows are queued again. */
  async onApplicationBootstrap(): Promise<void> {
    const due = await this.dataSource.query<{ pledge_id: string; number: number; due_at: Date }[]>(
      `SELECT i.pledge_id, i.number, i.due_at FROM funding.pledge_increments i JOIN funding.pledges p ON p.id = i.pledge_id
        WHERE i.state = 'SCHEDULED' AND i.number > 1 AND p.status = 'COLLECTED'`,
    );
    for (const row of due) await this.collection.scheduleCharge(undefined, row.pledge_id, row.number, row.due_at);
    const windows = await this.dataSource.query<{ pledge_id: string; number: number; retry_until: Date }[]>(
      `SELECT pledge_id, number, retry_until FROM funding.pledge_increments WHERE state = 'FAILED' AND retry_until IS NOT NULL`,
    );
    for (const row of windows) {
      await this.jobs.scheduleAt<IncrementJob>(CLOSE_INCREMENT_WINDOW_QUEUE, incrementJobKey(row.pledge_id, row.number), row.retry_until, {
        pledgeId: row.pledge_id,
        number: row.number,
      });
    }
    if (due.length + windows.length > 0) this.logger.log(`resumed ${due.length} later payment(s), ${windows.length} retry window(s)`);
  }

  /** The charge-pledge-increment job. Returns what it did, for tests and logs. */
  async chargePayment({ pledgeId, number }: IncrementJob): Promise<'collected' | 'failed' | 'skipped' | 'canceled' | 'waiting'> {
    const [payment] = await this.dataSource.query<DuePayment[]>(
      `SELECT i.pledge_id, i.number, i.amount, i.currency, i.state, i.due_at, i.due_at <= now() AS due, i.failed_attempts,
              p.campaign_id, p.backer_id, p.status, p.customer_id, p.payment_method_id, p.refund_requested_at,
              c.status AS campaign_status, c.title AS campaign_title
         FROM funding.pledge_increments i
         JOIN funding.pledges p ON p.id = i.pledge_id
         JOIN funding.campaigns c ON c.id = p.campaign_id
        WHERE i.pledge_id = $1 AND i.number = $2`,
      [pledgeId, number],
    );
    if (!payment || payment.state !== 'SCHEDULED') return 'skipped';
    if (!isLivePledge(payment.status) || payment.campaign_status === 'CANCELED') {
      // The pledge ended (dropped, refunded) or its campaign was canceled: nothing more is charged.
      await this.dataSource.transaction((manager) => IncrementGate.cancelOpen(manager, [pledgeId]));
      return 'canceled';
    }
    if (!payment.due) {
      await this.collection.scheduleCharge(undefined, pledgeId, number, payment.due_at);
      return 'waiting';
    }
    // A pledge waiting for an earlier payment's fix (or a refund in flight) is charged once fixed.
    if (payment.status !== 'COLLECTED' || payment.refund_requested_at) return 'waiting';

    const money = { amount: Number(payment.amount), currency: payment.currency.trim() };
    let result: ChargeResult;
    if (!payment.customer_id || !payment.payment_method_id) {
      result = { status: 'failed', declineCode: 'payment_method_missing', message: 'No card was saved for this pledge.', requiresAction: true };
    } else {
      const card = { customerId: payment.customer_id, paymentMethodId: payment.payment_method_id };
      const idempotencyKey = incrementChargeKey(pledgeId, number, payment.failed_attempts);
      result = await retryTransient(async () => {
        try {
          return await this.payments.chargeSavedCard({
            card,
            money,
            idempotencyKey,
            description: chargeDescription({ id: payment.campaign_id, title: payment.campaign_title }),
          });
        } catch (error) {
          if (error instanceof DomainError && error.code === 'BAD_USER_INPUT') {
            return { status: 'failed', declineCode: 'invalid_payment_method', message: error.message, requiresAction: true } satisfies ChargeResult;
          }
          throw error;
        }
      });
      this.crashPoints.afterProviderCall('pledge.increment.charge');
    }
    const charged = {
      id: pledgeId,
      campaignId: payment.campaign_id,
      backerId: payment.backer_id,
      ...money,
      increment: { number, failedAttempts: payment.failed_attempts },
    } satisfies ChargedPledge;
    const outcome = await this.dataSource.transaction(async (manager) => {
      try {
        if (result.status === 'succeeded') {
          await this.collection.collectLaterPayment(manager, charged, result.chargeId);
          await this.collection.schedulePayout(manager, payment.campaign_id);
          return 'collected' as const;
        }
        await this.collection.laterPaymentFailed(manager, charged, result);
        return 'failed' as const;
      } catch (error) {
        // Recorded meanwhile by another run of this job (the same charge, the same key).
        if (PledgeGate.refused(error)) return 'skipped' as const;
        throw error;
      }
    });
    if (outcome !== 'skipped') await this.progress.publish(payment.campaign_id);
    return outcome;
  }

  /** The close-increment-window job: a later payment not fixed in time drops the pledge, which keeps what it collected. */
  async closePaymentWindow({ pledgeId, number }: IncrementJob): Promise<boolean> {
    const dropped = await this.dataSource.transaction(async (manager) => {
      const pledge = await PledgeGate.lock(manager, pledgeId);
      const [payment] = await manager.query<{ state: string; retry_until: Date | null; open: boolean }[]>(
        `SELECT state, retry_until, retry_until > now() AS open FROM funding.pledge_increments WHERE pledge_id = $1 AND number = $2`,
        [pledgeId, number],
      );
      if (!payment || payment.state !== 'FAILED' || !payment.retry_until || pledge.status !== 'PAYMENT_FAILED') return false;
      if (payment.open) {
        await this.jobs.scheduleAt<IncrementJob>(CLOSE_INCREMENT_WINDOW_QUEUE, incrementJobKey(pledgeId, number), payment.retry_until, { pledgeId, number }, manager);
        return false;
      }
      const [{ kept }] = await manager.query<{ kept: string }[]>(
        `SELECT coalesce(sum(amount), 0) AS kept FROM funding.pledge_increments WHERE pledge_id = $1 AND state = 'COLLECTED'`,
        [pledgeId],
      );
      await PledgeGate.dropAfterIncrement(manager, pledgeId, pledge.campaignId);
      await this.events.publish(
        {
          type: 'funding.pledge.dropped',
          pledgeId,
          campaignId: pledge.campaignId,
          backerId: pledge.backerId,
          kept: { amount: Number(kept), currency: pledge.currency },
        },
        manager,
      );
      return true;
    });
    if (dropped) {
      this.logger.log(`pledge ${pledgeId}: payment ${number} not fixed in time, pledge dropped keeping what it collected`);
      const [{ campaign_id }] = await this.dataSource.query<{ campaign_id: string }[]>(`SELECT campaign_id FROM funding.pledges WHERE id = $1`, [pledgeId]);
      await this.progress.publish(campaign_id);
    }
    return dropped;
  }
}
