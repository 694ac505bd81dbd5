/**
 * The backer pays a failed pledge again, on-session, within the campaign's retry window.
 * Key pledge:<id>:charge:<attempt>: a repeat of the same attempt is the same charge. A
 * decline stays PAYMENT_FAILED (attempt counted) and answers PAYMENT_FAILED with its decline
 * code; a success is COLLECTED and paid out with the campaign, or by a payout of its own.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentsFacade } from '@foule/payments';
import { APP_CONFIG, DomainError, JobScheduler, type AppConfig, type Viewer } from '@foule/shared';
import { CampaignGate } from '../campaigns/campaign-gate';
import { CampaignProgress } from '../campaigns/campaign-progress';
import { CampaignQueries } from '../campaigns/campaign-queries.service';
import { PAY_OUT_CAMPAIGN_QUEUE, type CampaignJob } from '../shared/funding-queues';
import { PledgeCollection } from '../pledges/pledge-collection';
import { PledgeEntity } from '../pledges/pledge.entity';
import { PledgeGate } from '../pledges/pledge-gate';
import { incrementChargeKey, incrementRefundKey } from '../pledges/payment-plan';
import { chargeDescription } from '../pledges/pledge-rules';
import { pledgeChargeKey, pledgeRefundKey, retryWindowOpen } from '../settlement/settlement-rules';
import { payoutRunAt } from '../shared/payout-timing';
import { ownPledge, refundUnrecorded, requirePledge } from './backer-pledges';

@Injectable()
export class PledgeRetryService {
  private readonly logger = new Logger('Pledges');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly queries: CampaignQueries,
    private readonly progress: CampaignProgress,
    private readonly collection: PledgeCollection,
  ) {}

  async retryPledgePayment(viewer: Viewer, id: string, paymentMethodId: string): Promise<PledgeEntity> {
    const pledge = await ownPledge(this.queries, viewer, id);
    PledgeGate.check(pledge.status, 'retry');
    if (pledge.paymentPlan === 'PLEDGE_OVER_TIME') return this.retryPayment(viewer, pledge, paymentMethodId);
    const campaign = await this.queries.requireCampaign(pledge.campaignId);
    if (!retryWindowOpen(new Date(), campaign.retryWindowEndsAt)) {
      throw DomainError.conflict(
        `The window to fix this payment ended at ${campaign.retryWindowEndsAt?.toISOString() ?? 'the end of settlement'}; the pledge will be dropped`,
      );
    }
    const attempt = pledge.failedAttempts;
    const money = { amount: pledge.amount, currency: pledge.currency };
    // Only the attempt this request charged is recorded: a concurrent retry of the same
    // attempt (the same charge) or a window that closed meanwhile leaves it to the other.
    const sameAttempt = { from: ['PAYMENT_FAILED'] as const, failedAttempts: attempt };
    let charge: { chargeId: string; customerId: string };
    try {
      charge = await this.payments.chargeNow({
        profileId: viewer.profileId,
        paymentMethodId,
        money,
        idempotencyKey: pledgeChargeKey(pledge.id, attempt),
        description: chargeDescription(campaign),
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_FAILED') {
        const declineCode = typeof error.extensions.declineCode === 'string' ? error.extensions.declineCode : 'card_declined';
        await this.dataSource.transaction(async (manager) => {
          try {
            await this.collection.chargeFailed(
              manager,
              pledge,
              { declineCode, message: error.message, requiresAction: Boolean(error.extensions.requiresAction) },
              { ...sameAttempt, set: { payment_method_id: paymentMethodId } },
            );
          } catch (refusal) {
            if (!PledgeGate.refused(refusal)) throw refusal;
          }
        });
      }
      throw error;
    }

    const recorded = await this.dataSource.transaction(async (manager) => {
      const campaignNow = await CampaignGate.lock(manager, pledge.campaignId, 'share');
      try {
        await this.collection.collect(manager, pledge, {
          ...sameAttempt,
          chargeId: charge.chargeId,
          set: { customer_id: charge.customerId, payment_method_id: paymentMethodId },
        });
      } catch (refusal) {
        if (!PledgeGate.refused(refusal)) throw refusal;
        const now = await manager.getRepository(PledgeEntity).findOneByOrFail({ id: pledge.id });
        // The same attempt, recorded by a concurrent request: the same charge, nothing to do.
        return now.status === 'COLLECTED' && now.chargeId === charge.chargeId;
      }
      // Paid out with the campaign's payout if it is still to come, else by a payout of its own
      // as soon as possible (the payout job pays whatever collected money is still in escrow).
      await this.jobs.scheduleAt<CampaignJob>(
        PAY_OUT_CAMPAIGN_QUEUE,
        pledge.campaignId,
        payoutRunAt(campaignNow.endedAt!, this.config.campaignPayoutDelaySeconds, new Date()),
        { campaignId: pledge.campaignId },
        manager,
      );
      return true;
    });
    if (!recorded) {
      // The window closed (the pledge was dropped) while the card was being charged.
      await refundUnrecorded(this.payments, this.logger, {
        chargeId: charge.chargeId,
        money,
        idempotencyKey: pledgeRefundKey(pledge.id),
      });
      throw DomainError.conflict(
        'The window to fix this payment closed while it was being charged: the charge was refunded and the pledge dropped',
      );
    }
    await this.progress.publish(pledge.campaignId);
    return requirePledge(this.queries, id);
  }

  /**
   * A pledge over time: its failed payment is charged again, on-session, with the key
   * pledge:<id>:increment:<n>:charge:<attempt>, within its window (the campaign's retry window
   * for the first payment, the payment's own for a later one). The new card is kept for the
   * payments to come.
   */
  private async retryPayment(viewer: Viewer, pledge: PledgeEntity, paymentMethodId: string): Promise<PledgeEntity> {
    const campaign = await this.queries.requireCampaign(pledge.campaignId);
    const failed = (await this.queries.incrementsOfPledges([pledge.id])).find((payment) => payment.state === 'FAILED');
    if (!failed) throw DomainError.conflict('No payment of this pledge is failed: there is nothing to pay again');
    const first = failed.number === 1;
    const windowEndsAt = first ? campaign.retryWindowEndsAt : failed.retryUntil;
    if (!retryWindowOpen(new Date(), windowEndsAt)) {
      throw DomainError.conflict(
        `The window to fix payment ${failed.number} ended at ${windowEndsAt?.toISOString() ?? 'the end of settlement'}; the pledge will be dropped`,
      );
    }
    const money = { amount: failed.amount, currency: failed.currency.trim() };
    const charged = { ...pledge, ...money, increment: { number: failed.number, failedAttempts: failed.failedAttempts } };
    // The first payment's attempts are the pledge's (settlement counted them there too).
    const sameAttempt = { from: ['PAYMENT_FAILED'] as const, failedAttempts: pledge.failedAttempts };
    const cardSet = { payment_method_id: paymentMethodId };
    let charge: { chargeId: string; customerId: string };
    try {
      charge = await this.payments.chargeNow({
        profileId: viewer.profileId,
        paymentMethodId,
        money,
        idempotencyKey: incrementChargeKey(pledge.id, failed.number, failed.failedAttempts),
        description: chargeDescription(campaign),
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_FAILED') {
        const decline = {
          declineCode: typeof error.extensions.declineCode === 'string' ? error.extensions.declineCode : 'card_declined',
          message: error.message,
          requiresAction: Boolean(error.extensions.requiresAction),
        };
        await this.dataSource.transaction(async (manager) => {
          try {
            if (first) await this.collection.chargeFailed(manager, charged, decline, { ...sameAttempt, set: cardSet });
            else await this.collection.laterPaymentFailed(manager, charged, decline);
          } catch (refusal) {
            if (!PledgeGate.refused(refusal)) throw refusal;
          }
        });
      }
      throw error;
    }
    const recorded = await this.dataSource.transaction(async (manager) => {
      try {
        const set = { customer_id: charge.customerId, payment_method_id: paymentMethodId };
        if (first) await this.collection.collect(manager, charged, { ...sameAttempt, chargeId: charge.chargeId, set });
        else await this.collection.collectLaterPayment(manager, charged, charge.chargeId, set);
      } catch (refusal) {
        if (!PledgeGate.refused(refusal)) throw refusal;
        const [now] = await this.queries.incrementsOfPledges([pledge.id], manager).then((rows) => rows.filter((row) => row.number === failed.number));
        // The same attempt, recorded by a concurrent request: the same charge, nothing to do.
        return now?.state === 'COLLECTED' && now.chargeId === charge.chargeId;
      }
      await this.collection.schedulePayout(manager, pledge.campaignId);
      return true;
    });
    if (!recorded) {
      await refundUnrecorded(this.payments, this.logger, {
        chargeId: charge.chargeId,
        money,
        idempotencyKey: incrementRefundKey(pledge.id, failed.number),
      });
      throw DomainError.conflict(
        'The window to fix this payment closed while it was being charged: the charge was refunded and the pledge dropped',
      );
    }
    await this.progress.publish(pledge.campaignId);
    return requirePledge(this.queries, pledge.id);
  }
}
