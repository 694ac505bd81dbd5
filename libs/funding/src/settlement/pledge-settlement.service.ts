/**
 * Settlement at the deadline, as durable jobs that are idempotent and resumable (the
 * database is the truth; a job re-derives everything from it):
 *
 * 1. settle-campaign, at the deadline: under the campaign's row lock, LIVE becomes SUCCESSFUL
 *    or FAILED (settlementOutcome). FAILED: pending pledges are CANCELED, units released,
 *    nobody charged. SUCCESSFUL ALL_OR_NOTHING: every PENDING pledge is charged off-session,
 *    in keyset batches with bounded concurrency, with the key pledge:<id>:charge:<attempt>;
 *    each result is recorded with a conditional update (WHERE status = 'PENDING'), with the
 *    journal entry in the same transaction. A crash after the provider charged and before
 *    the record leaves the pledge PENDING with the same attempt: the next run sends the same
 *    key and the provider answers with the same charge, so nobody is charged twice. Transient
 *    provider failures fail the job after the sweep; pg-boss retries it, and the next run sees
 *    only what is still PENDING.
 * 2. When no pledge is PENDING any more: the retry window opens (close-retry-window is
 *    scheduled at its end: PAYMENT_FAILED pledges become DROPPED) and the payout job is
 *    scheduled at endedAt + CAMPAIGN_PAYOUT_DELAY_SECONDS.
 * At boot, whatever the database says is unfinished is queued again.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentsFacade, retryTransient, type ChargeResult } from '@foule/payments';
import { APP_CONFIG, DomainError, JobScheduler, type AppConfig, CrashPoints } from '@foule/shared';
import { CampaignGate } from '../campaigns/campaign-gate';
import { CampaignProgress } from '../campaigns/campaign-progress';
import { CampaignQueries } from '../campaigns/campaign-queries.service';
import { settlementOutcome } from '../campaigns/campaign-rules';
import { CampaignEntity } from '../campaigns/campaign.entities';
import { FundingEvents } from '../funding-events';
import { PledgeCollection, type ChargedPledge } from '../pledges/pledge-collection';
import { PledgeGate } from '../pledges/pledge-gate';
import { incrementChargeKey } from '../pledges/payment-plan';
import { chargeDescription } from '../pledges/pledge-rules';
import { CLOSE_RETRY_WINDOW_QUEUE, PAY_OUT_CAMPAIGN_QUEUE, SETTLE_CAMPAIGN_QUEUE, type CampaignJob } from '../shared/funding-queues';
import { payoutRunAt } from '../shared/payout-timing';
import { pledgeChargeKey, settleWithConcurrency } from './settlement-rules';

/** Pledges read per batch: memory stays flat whatever the campaign's size. */
export const SETTLEMENT_BATCH_SIZE = 200;
/**
 * Provider calls in flight at once per campaign. With the sandbox each call is one commit of
 * its own, so more in flight share WAL flushes (12 settled 1.2-1.5x faster than 8 in
 * bench/settlement.bench.ts); it stays well under the pool's 20 connections, which requests
 * and the batch's recording share.
 */
export const SETTLEMENT_CONCURRENCY = 12;

interface PendingPledge {
  id: string;
  backer_id: string;
  amount: string;
  currency: string;
  customer_id: string | null;
  payment_method_id: string | null;
  failed_attempts: number;
  /** PLEDGE_OVER_TIME: the first payment is charged at the deadline, the rest by their own jobs. */
  first_payment: string | null;
}

/** A pledge's charge as the provider answered it, waiting to be recorded with its batch. */
interface Charged {
  pledge: PendingPledge;
  money: { amount: number; currency: string };
  result: ChargeResult;
}

export interface SweepResult {
  collected: number;
  failed: number;
  transientFailures: number;
}

@Injectable()
export class PledgeSettlementService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Settlement');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly queries: CampaignQueries,
    private readonly collection: PledgeCollection,
    private readonly progress: CampaignProgress,
    private readonly events: FundingEvents,
    private readonly crashPoints: CrashPoints,
  ) {
    jobs.define<CampaignJob>({
      name: SETTLE_CAMPAIGN_QUEUE,
      handle: async ({ campaignId }) => {
        await this.settleCampaign(campaignId);
      },
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
      // A large campaign charges for a while (500-1,500 pledges/s measured with the sandbox, far less with Stripe): don't let pg-boss
      // think the worker died and start a second run beside it.
      expireInSeconds: 6 * 3600,
    });
    jobs.define<CampaignJob>({
      name: CLOSE_RETRY_WINDOW_QUEUE,
      handle: ({ campaignId }) => this.closeRetryWindow(campaignId),
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
  }

  /** The database is the truth: queue again whatever it says is unfinished (jobs that find nothing to do do nothing). */
  async onApplicationBootstrap(): Promise<void> {
    const toSettle = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM funding.campaigns
        WHERE (status = 'LIVE' AND deadline <= now()) OR (status = 'SUCCESSFUL' AND charges_completed_at IS NULL)`,
    );
    for (const { id } of toSettle) await this.jobs.enqueue<CampaignJob>(SETTLE_CAMPAIGN_QUEUE, { campaignId: id }, { key: id });
    const windows = await this.dataSource.query<{ id: string; retry_window_ends_at: Date }[]>(
      `SELECT c.id, c.retry_window_ends_at FROM funding.campaigns c
        WHERE c.status = 'SUCCESSFUL' AND c.retry_window_ends_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM funding.pledges p WHERE p.campaign_id = c.id AND p.status = 'PAYMENT_FAILED')`,
    );
    for (const row of windows)
      await this.jobs.scheduleAt<CampaignJob>(CLOSE_RETRY_WINDOW_QUEUE, row.id, row.retry_window_ends_at, { campaignId: row.id });
    const payouts = await this.dataSource.query<{ id: string; ended_at: Date }[]>(
      `SELECT c.id, c.ended_at FROM funding.campaigns c
        WHERE c.status = 'SUCCESSFUL' AND c.charges_completed_at IS NOT NULL
          AND (EXISTS (SELECT 1 FROM funding.pledges p WHERE p.campaign_id = c.id AND p.status = 'COLLECTED'
                        AND p.paid_out_in IS NULL AND p.refund_requested_at IS NULL AND p.payment_plan = 'PAY_IN_FULL')
               OR EXISTS (SELECT 1 FROM funding.pledge_increments i WHERE i.campaign_id = c.id AND i.state = 'COLLECTED'
                        AND i.paid_out_in IS NULL)
               -- A royalty still held: its contest may have ended while the run settling it died with the process
               -- (a run finding the contest still open moves nothing).
               OR EXISTS (SELECT 1 FROM funding.royalty_agreements r WHERE r.campaign_id = c.id AND r.settled < r.accrued))`,
    );
    for (const row of payouts) {
      const due = payoutRunAt(row.ended_at, this.config.campaignPayoutDelaySeconds, new Date());
      await this.jobs.scheduleAt<CampaignJob>(PAY_OUT_CAMPAIGN_QUEUE, row.id, due, { campaignId: row.id });
    }
    const resumed = toSettle.length + windows.length + payouts.length;
    if (resumed > 0)
      this.logger.log(`resumed ${toSettle.length} settlement(s), ${windows.length} retry window(s), ${payouts.length} payout(s)`);
  }

  /** The settle-campaign job. */
  async settleCampaign(campaignId: string): Promise<SweepResult | undefined> {
    const campaign = await this.endCampaign(campaignId);
    if (!campaign || campaign.status !== 'SUCCESSFUL' || campaign.chargesCompletedAt) return undefined;
    let sweep: SweepResult = { collected: 0, failed: 0, transientFailures: 0 };
    if (campaign.fundingModel === 'ALL_OR_NOTHING') {
      sweep = await this.chargePendingPledges(campaign);
      if (sweep.transientFailures > 0) {
        throw new Error(
          `${sweep.transientFailures} charge(s) of campaign ${campaignId} failed transiently; the job retries them with the same keys`,
        );
      }
    }
    await this.completeCharges(campaignId);
    return sweep;
  }

  /** LIVE -> SUCCESSFUL or FAILED, once the deadline has passed (by the database's clock). */
  private async endCampaign(campaignId: string): Promise<CampaignEntity | null> {
    let ended = false;
    const campaign = await this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      if (campaign.status !== 'LIVE') return campaign;
      const [{ due }] = await manager.query<{ due: boolean }[]>('SELECT $1::timestamptz <= now() AS due', [campaign.deadline]);
      if (!due) {
        // Woken early (the deadline was moved, or clocks disagree): come back at the deadline.
        await this.jobs.scheduleAt<CampaignJob>(
          SETTLE_CAMPAIGN_QUEUE,
          campaign.id,
          campaign.deadline,
          { campaignId: campaign.id },
          manager,
        );
        return null;
      }
      const totals = (await this.queries.totals([campaign.id], manager)).get(campaign.id)!;
      const outcome = settlementOutcome(campaign.fundingModel, campaign.goalAmount, totals);
      const next = CampaignGate.check(campaign.status, outcome);
      // Nobody is charged when it failed: waiting pledges are canceled and their units released.
      if (next === 'FAILED') await PledgeGate.cancelPending(manager, campaign.id);
      await CampaignGate.transition(manager, campaign, outcome, { endedAt: campaign.deadline });
      await this.events.publish(
        {
          type: 'funding.campaign.ended',
          campaignId: campaign.id,
          creatorId: campaign.creatorId,
          status: next as 'SUCCESSFUL' | 'FAILED',
        },
        manager,
      );
      ended = true;
      this.logger.log(
        `campaign ${campaign.id} ended ${next}: ${totals.pending + totals.collected} of ${campaign.goalAmount} ${campaign.currency}`,
      );
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
    if (ended) await this.progress.publish(campaignId);
    return campaign;
  }

  /**
   * Charges every PENDING pledge of a successful campaign, a keyset batch at a time. A batch's
   * records are written while the next batch is being charged (at most one batch waits to be
   * recorded, so memory stays two batches whatever the campaign's size).
   */
  async chargePendingPledges(campaign: CampaignEntity): Promise<SweepResult> {
    const sweep: SweepResult = { collected: 0, failed: 0, transientFailures: 0 };
    let recording: Promise<void> = Promise.resolve();
    let after = '';
    try {
      for (;;) {
        const batch = await this.dataSource.query<PendingPledge[]>(
          `SELECT p.id, p.backer_id, p.amount, p.currency, p.customer_id, p.payment_method_id, p.failed_attempts,
                  (SELECT i.amount FROM funding.pledge_increments i WHERE i.pledge_id = p.id AND i.number = 1) AS first_payment
             FROM funding.pledges p
            WHERE p.campaign_id = $1 AND p.status = 'PENDING' AND p.id > $2 ORDER BY p.id LIMIT $3`,
          [campaign.id, after, SETTLEMENT_BATCH_SIZE],
        );
        if (batch.length === 0) break;
        after = batch[batch.length - 1].id;
        const charges = await settleWithConcurrency(batch, SETTLEMENT_CONCURRENCY, (pledge) => this.chargePledge(campaign, pledge));
        const charged: Charged[] = [];
        for (const [index, charge] of charges.entries()) {
          if (charge.status === 'fulfilled') charged.push(charge.value);
          else {
            sweep.transientFailures++;
            this.logger.warn(`charging pledge ${batch[index].id} failed, to be retried: ${String(charge.reason)}`);
          }
        }
        await recording;
        recording = this.recordBatch(campaign, charged, sweep);
      }
    } finally {
      // Whatever happened to the sweep, the last batch charged is recorded (or counted as failed) before the job ends.
      await recording;
    }
    return sweep;
  }

  /** A batch's charges recorded (never throws: a batch that could not be recorded is counted as transient failures), then the campaign's progress published. */
  private async recordBatch(campaign: CampaignEntity, charged: readonly Charged[], sweep: SweepResult): Promise<void> {
    try {
      for (const outcome of await this.recordCharges(campaign, charged)) {
        if (outcome === 'collected') sweep.collected++;
        else if (outcome === 'failed') sweep.failed++;
      }
    } catch (error) {
      // Nothing of the batch was recorded: the next run sends the same keys, the provider answers the same charges.
      sweep.transientFailures += charged.length;
      this.logger.warn(`recording ${charged.length} charge(s) of campaign ${campaign.id} failed, to be retried: ${String(error)}`);
    }
    await this.progress.publish(campaign.id); // never throws: a lost progress event is logged
  }

  /** The provider's answer for one pledge, not yet recorded. */
  private async chargePledge(campaign: CampaignEntity, pledge: PendingPledge): Promise<Charged> {
    const money = { amount: Number(pledge.first_payment ?? pledge.amount), currency: pledge.currency.trim() };
    let result: ChargeResult;
    if (!pledge.customer_id || !pledge.payment_method_id) {
      result = {
        status: 'failed',
        declineCode: 'payment_method_missing',
        message: 'No card was saved for this pledge.',
        requiresAction: true,
      };
    } else {
      const card = { customerId: pledge.customer_id, paymentMethodId: pledge.payment_method_id };
      // A pledge over time: its first payment, whose attempts are the pledge's while it is PENDING.
      const idempotencyKey =
        pledge.first_payment === null
          ? pledgeChargeKey(pledge.id, pledge.failed_attempts)
          : incrementChargeKey(pledge.id, 1, pledge.failed_attempts);
      result = await retryTransient(async () => {
        try {
          // Our record of the charge is written with the batch's (recordCharges).
          return await this.payments.chargeSavedCardUnrecorded({
            card,
            money,
            idempotencyKey,
            description: chargeDescription(campaign),
          });
        } catch (error) {
          // The provider refused the request as such (the payment method is gone): the backer must fix it.
          if (error instanceof DomainError && error.code === 'BAD_USER_INPUT') {
            return {
              status: 'failed',
              declineCode: 'invalid_payment_method',
              message: error.message,
              requiresAction: true,
            } satisfies ChargeResult;
          }
          throw error;
        }
      });
      this.crashPoints.afterProviderCall('pledge.charge');
    }
    return { pledge, money, result };
  }

  /**
   * A batch's charges, recorded in one transaction (one commit for the batch, not one per
   * pledge; a crash before it loses only records, which the next run makes again from the
   * provider's answers to the same keys): our records of the provider's charges, then the
   * successful charges of pledges paid in full in a few statements for the whole batch
   * (PledgeCollection.collectEach), then declines and first payments of pledges over time one
   * by one, as ever.
   */
  private recordCharges(campaign: CampaignEntity, charged: readonly Charged[]): Promise<('collected' | 'failed' | 'skipped')[]> {
    if (charged.length === 0) return Promise.resolve([]);
    return this.dataSource.transaction(async (manager) => {
      await this.payments.recordSavedCardCharges(
        manager,
        charged.flatMap(({ pledge, money, result }) =>
          pledge.customer_id && pledge.payment_method_id
            ? [{ card: { customerId: pledge.customer_id, paymentMethodId: pledge.payment_method_id }, money, result }]
            : [],
        ),
      );
      const collected = await this.collection.collectEach(
        manager,
        charged.flatMap(({ pledge, money, result }) =>
          result.status === 'succeeded' && pledge.first_payment === null
            ? [
                {
                  pledge: { id: pledge.id, campaignId: campaign.id, backerId: pledge.backer_id, ...money },
                  chargeId: result.chargeId,
                  failedAttempts: pledge.failed_attempts,
                },
              ]
            : [],
        ),
        ['PENDING'],
      );
      const outcomes: ('collected' | 'failed' | 'skipped')[] = [];
      for (const charge of charged) {
        if (charge.result.status === 'succeeded' && charge.pledge.first_payment === null) {
          // Not moved: recorded meanwhile by another run of this job (the same charge, the same key).
          outcomes.push(collected.has(charge.pledge.id) ? 'collected' : 'skipped');
        } else outcomes.push(await this.recordCharge(manager, campaign, charge));
      }
      return outcomes;
    });
  }

  /** The charge's outcome, recorded once: the conditional update on (PENDING, attempt) lets only one recorder through. */
  private async recordCharge(
    manager: EntityManager,
    campaign: CampaignEntity,
    { pledge, money, result }: Charged,
  ): Promise<'collected' | 'failed' | 'skipped'> {
    const charged: ChargedPledge = {
      id: pledge.id,
      campaignId: campaign.id,
      backerId: pledge.backer_id,
      ...money,
      ...(pledge.first_payment === null ? {} : { increment: { number: 1, failedAttempts: pledge.failed_attempts } }),
    };
    const sameAttempt = { from: ['PENDING'] as const, failedAttempts: pledge.failed_attempts };
    try {
      if (result.status === 'succeeded') {
        await this.collection.collect(manager, charged, { ...sameAttempt, chargeId: result.chargeId });
        return 'collected';
      }
      await this.collection.chargeFailed(manager, charged, result, sameAttempt);
      return 'failed';
    } catch (error) {
      // Recorded meanwhile by another run of this job (the same charge, the same key). The
      // refusal is the guarded UPDATE's zero rows, not an SQL error: the batch's transaction goes on.
      if (PledgeGate.refused(error)) return 'skipped';
      throw error;
    }
  }

  /**
   * Once nothing is PENDING: the retry window opens now, and the payout is scheduled after
   * the delay. Both jobs are written in this transaction.
   */
  private async completeCharges(campaignId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      if (campaign.status !== 'SUCCESSFUL' || campaign.chargesCompletedAt) return;
      const pending = await manager.query(`SELECT 1 FROM funding.pledges WHERE campaign_id = $1 AND status = 'PENDING' LIMIT 1`, [
        campaignId,
      ]);
      if (pending.length > 0) throw new Error(`campaign ${campaignId} still has PENDING pledges; the settlement job runs again`);
      const [{ now }] = await manager.query<{ now: Date }[]>('SELECT now() AS now');
      const windowEndsAt =
        campaign.fundingModel === 'ALL_OR_NOTHING'
          ? new Date(now.getTime() + this.config.paymentRetryWindowSeconds * 1000)
          : null;
      await manager
        .getRepository(CampaignEntity)
        .update({ id: campaignId }, { chargesCompletedAt: now, retryWindowEndsAt: windowEndsAt });
      if (windowEndsAt)
        await this.jobs.scheduleAt<CampaignJob>(CLOSE_RETRY_WINDOW_QUEUE, campaignId, windowEndsAt, { campaignId }, manager);
      const payoutAt = payoutRunAt(campaign.endedAt!, this.config.campaignPayoutDelaySeconds, now);
      await this.jobs.scheduleAt<CampaignJob>(PAY_OUT_CAMPAIGN_QUEUE, campaignId, payoutAt, { campaignId }, manager);
    });
    await this.progress.publish(campaignId);
  }

  /** The close-retry-window job: failed pledges not fixed in time are DROPPED and give their units back. */
  async closeRetryWindow(campaignId: string): Promise<void> {
    const dropped = await this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      if (!campaign.retryWindowEndsAt) return 0;
      const [{ open }] = await manager.query<{ open: boolean }[]>('SELECT $1::timestamptz > now() AS open', [
        campaign.retryWindowEndsAt,
      ]);
      if (open) {
        await this.jobs.scheduleAt<CampaignJob>(
          CLOSE_RETRY_WINDOW_QUEUE,
          campaignId,
          campaign.retryWindowEndsAt,
          { campaignId },
          manager,
        );
        return 0;
      }
      const rows = await PledgeGate.dropUnfixed(manager, campaignId);
      if (rows.length === 0) return 0;
      for (const row of rows) {
        await this.events.publish(
          { type: 'funding.pledge.dropped', pledgeId: row.id, campaignId, backerId: row.backerId },
          manager,
        );
      }
      return rows.length;
    });
    if (dropped > 0) {
      this.logger.log(`campaign ${campaignId}: ${dropped} unfixed pledge(s) dropped at the end of the retry window`);
      await this.progress.publish(campaignId);
    }
  }
}
