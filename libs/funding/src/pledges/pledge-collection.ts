/**
 * What a charge's outcome does to a pledge, in the caller's transaction, for every path that
 * charges one (a flexible or late pledge when it is made, the deadline's settlement, the
 * backer's retry, a later payment of a pledge over time): a success moves it to COLLECTED
 * (through the gate), journals the money into the campaign's escrow and publishes
 * funding.pledge.collected; a decline moves it to PAYMENT_FAILED with its reason and tells
 * the backer. For a pledge over time the charge is one of its payments (`increment`): that
 * payment moves too (IncrementGate), its journal entry is its own, and once the first is
 * collected the next ones are scheduled, one durable job per payment.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PaymentsFacade } from '@foule/payments';
import { APP_CONFIG, JobScheduler, updateReturning, type AppConfig } from '@foule/shared';
import { FundingEvents } from '../funding-events';
import { CHARGE_INCREMENT_QUEUE, CLOSE_INCREMENT_WINDOW_QUEUE, PAY_OUT_CAMPAIGN_QUEUE, type CampaignJob, type IncrementJob } from '../shared/funding-queues';
import { payoutRunAt } from '../shared/payout-timing';
import { IncrementGate } from './increment-gate';
import { incrementDueAt, incrementJobKey } from './payment-plan';
import { PledgeGate, type PledgeMove } from './pledge-gate';
import type { PledgeStatus } from './pledge-status.machine';
import { failureReason } from './pledge-rules';

/** The facts of a charged pledge; `amount` is what this charge took (one payment of a pledge over time). */
export interface ChargedPledge {
  id: string;
  campaignId: string;
  backerId: string;
  amount: number;
  currency: string;
  /** The payment of a pledge over time this charge was for, and its failed attempts when charged. */
  increment?: { number: number; failedAttempts: number };
}

export interface ChargeDecline {
  declineCode: string;
  message: string;
  requiresAction: boolean;
}

@Injectable()
export class PledgeCollection {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly events: FundingEvents,
    private readonly jobs: JobScheduler,
  ) {}

  /** A charge of the pledge succeeded: it becomes COLLECTED (CONFLICT if it may not, see PledgeGate.transition), and the money is recorded. */
  async collect(manager: EntityManager, pledge: ChargedPledge, move: PledgeMove & { chargeId: string }): Promise<void> {
    const { chargeId, ...guard } = move;
    await PledgeGate.transition(manager, pledge.id, 'collect', { ...guard, set: { charge_id: chargeId, ...guard.set } });
    if (pledge.increment) {
      await IncrementGate.transition(manager, pledge.id, pledge.increment.number, 'collect', {
        failedAttempts: pledge.increment.failedAttempts,
        set: { charge_id: chargeId },
      });
      await this.scheduleLaterPayments(manager, pledge.id, new Date());
    }
    await this.recordCollected(manager, pledge);
  }

  /**
   * collect for a batch of pledges paid in full (no payments over time), each charged at the
   * attempt given, in three statements whatever their number: one guarded UPDATE moves those
   * still at that attempt (`from` its states) to COLLECTED, payments journals their money, and
   * each publishes funding.pledge.collected. Returns the ids collected; the others were
   * refused (recorded meanwhile by another run) and keep what that run recorded.
   */
  async collectEach(
    manager: EntityManager,
    charged: readonly { pledge: ChargedPledge; chargeId: string; failedAttempts: number }[],
    from: readonly PledgeStatus[],
  ): Promise<Set<string>> {
    if (charged.some(({ pledge }) => pledge.increment)) throw new Error('collectEach is for pledges paid in full; a payment over time is collected by collect');
    const moved = await PledgeGate.transitionEach(
      manager,
      'collect',
      charged.map(({ pledge, chargeId, failedAttempts }) => ({ id: pledge.id, failedAttempts, set: { charge_id: chargeId } })),
      from,
    );
    const collected = new Set(moved.map((pledge) => pledge.id));
    const pledges = charged.map(({ pledge }) => pledge).filter((pledge) => collected.has(pledge.id));
    await this.payments.recordPledgesCollected(
      manager,
      pledges.map((pledge) => ({ pledgeId: pledge.id, campaignId: pledge.campaignId, money: { amount: pledge.amount, currency: pledge.currency } })),
    );
    for (const pledge of pledges) await this.publishCollected(manager, pledge);
    return collected;
  }

  /** The money of a pledge (or one payment of it) that is COLLECTED: its journal entry and its event. */
  async recordCollected(manager: EntityManager, pledge: ChargedPledge): Promise<void> {
    const money = { amount: pledge.amount, currency: pledge.currency };
    if (pledge.increment)
      await this.payments.recordPledgeIncrementCollected(manager, {
        pledgeId: pledge.id,
        campaignId: pledge.campaignId,
        number: pledge.increment.number,
        money,
      });
    else await this.payments.recordPledgeCollected(manager, { pledgeId: pledge.id, campaignId: pledge.campaignId, money });
    await this.publishCollected(manager, pledge);
  }

  private async publishCollected(manager: EntityManager, pledge: ChargedPledge): Promise<void> {
    await this.events.publish(
      {
        type: 'funding.pledge.collected',
        pledgeId: pledge.id,
        campaignId: pledge.campaignId,
        backerId: pledge.backerId,
        amount: pledge.amount,
        currency: pledge.currency,
      },
      manager,
    );
  }

  /** A charge of the pledge was declined: it is PAYMENT_FAILED with the reason, one more attempt counted (CONFLICT if it may not move). */
  async chargeFailed(manager: EntityManager, pledge: ChargedPledge, decline: ChargeDecline, move: PledgeMove): Promise<void> {
    const reason = failureReason(decline.message, decline.declineCode);
    await PledgeGate.transition(manager, pledge.id, 'chargeFail', { ...move, set: { failure_reason: reason, ...move.set } });
    if (pledge.increment) {
      await IncrementGate.transition(manager, pledge.id, pledge.increment.number, 'fail', {
        failedAttempts: pledge.increment.failedAttempts,
        set: { failure_reason: reason },
      });
    }
    await this.events.publish(
      {
        type: 'funding.pledge.payment_failed',
        pledgeId: pledge.id,
        campaignId: pledge.campaignId,
        backerId: pledge.backerId,
        declineCode: decline.declineCode,
        reason: decline.message,
        requiresAction: decline.requiresAction,
      },
      manager,
    );
  }

  /**
   * A later payment (number >= 2) of a pledge over time succeeded: the payment is COLLECTED
   * (only from the attempt charged), a pledge that was waiting for this fix is COLLECTED again,
   * and the money is journaled. CONFLICT when another run recorded it first.
   */
  async collectLaterPayment(manager: EntityManager, pledge: ChargedPledge & { increment: NonNullable<ChargedPledge['increment']> }, chargeId: string, set: Record<string, unknown> = {}): Promise<void> {
    await IncrementGate.transition(manager, pledge.id, pledge.increment.number, 'collect', {
      failedAttempts: pledge.increment.failedAttempts,
      set: { charge_id: chargeId },
    });
    const current = await PledgeGate.lock(manager, pledge.id);
    if (current.status === 'PAYMENT_FAILED') await PledgeGate.transition(manager, pledge.id, 'incrementCollect', { set });
    else if (Object.keys(set).length) await PledgeGate.transition(manager, pledge.id, 'changeCard', { set });
    await this.recordCollected(manager, pledge);
    // Payments that fell due while this one was failed are charged now.
    const overdue = await manager.query<{ number: number }[]>(
      `SELECT number FROM funding.pledge_increments WHERE pledge_id = $1 AND state = 'SCHEDULED' AND due_at <= now()`,
      [pledge.id],
    );
    for (const { number } of overdue) await this.scheduleCharge(manager, pledge.id, number, new Date());
  }

  /**
   * A later payment of a pledge over time was declined: the payment is FAILED (one more attempt
   * counted), the pledge PAYMENT_FAILED, and the backer is told (INCREMENT_FAILED) until when
   * it may be fixed. The first decline opens the payment's retry window and schedules its end.
   */
  async laterPaymentFailed(
    manager: EntityManager,
    pledge: ChargedPledge & { increment: NonNullable<ChargedPledge['increment']> },
    decline: ChargeDecline,
  ): Promise<void> {
    const reason = failureReason(decline.message, decline.declineCode);
    const [row] = await manager.query<{ retry_until: Date | null }[]>(
      `SELECT retry_until FROM funding.pledge_increments WHERE pledge_id = $1 AND number = $2`,
      [pledge.id, pledge.increment.number],
    );
    const retryUntil = row?.retry_until ?? new Date(Date.now() + this.config.paymentRetryWindowSeconds * 1000);
    await IncrementGate.transition(manager, pledge.id, pledge.increment.number, 'fail', {
      failedAttempts: pledge.increment.failedAttempts,
      set: { failure_reason: reason, retry_until: retryUntil },
    });
    const current = await PledgeGate.lock(manager, pledge.id);
    if (current.status === 'COLLECTED') await PledgeGate.transition(manager, pledge.id, 'incrementFail', { set: { failure_reason: reason } });
    if (!row?.retry_until) {
      await this.jobs.scheduleAt<IncrementJob>(
        CLOSE_INCREMENT_WINDOW_QUEUE,
        incrementJobKey(pledge.id, pledge.increment.number),
        retryUntil,
        { pledgeId: pledge.id, number: pledge.increment.number },
        manager,
      );
    }
    await this.events.publish(
      {
        type: 'funding.pledge.increment_failed',
        pledgeId: pledge.id,
        campaignId: pledge.campaignId,
        backerId: pledge.backerId,
        number: pledge.increment.number,
        attempt: pledge.increment.failedAttempts + 1,
        reason: decline.message,
        retryUntil,
      },
      manager,
    );
  }

  /** Once the first payment is collected at `first`: the later ones fall due one interval apart from it, each with its durable job. */
  async scheduleLaterPayments(manager: EntityManager, pledgeId: string, first: Date): Promise<void> {
    const later = await manager.query<{ number: number }[]>(
      `SELECT number FROM funding.pledge_increments WHERE pledge_id = $1 AND number > 1 AND state = 'SCHEDULED' ORDER BY number`,
      [pledgeId],
    );
    for (const { number } of later) {
      const dueAt = incrementDueAt(first, number, this.config.pledgeOverTimeIntervalSeconds);
      await updateReturning(manager, `UPDATE funding.pledge_increments SET due_at = $3, updated_at = now() WHERE pledge_id = $1 AND number = $2 RETURNING number`, [
        pledgeId,
        number,
        dueAt,
      ]);
      await this.scheduleCharge(manager, pledgeId, number, dueAt);
    }
  }

  async scheduleCharge(manager: EntityManager | undefined, pledgeId: string, number: number, at: Date): Promise<void> {
    await this.jobs.scheduleAt<IncrementJob>(CHARGE_INCREMENT_QUEUE, incrementJobKey(pledgeId, number), at, { pledgeId, number }, manager);
  }

  /** A collected payment goes out in the creator's next payout: after the payout delay, or now when that has passed. */
  async schedulePayout(manager: EntityManager, campaignId: string): Promise<void> {
    const [campaign] = await manager.query<{ status: string; ended_at: Date | null; charges_completed_at: Date | null }[]>(
      `SELECT status, ended_at, charges_completed_at FROM funding.campaigns WHERE id = $1`,
      [campaignId],
    );
    // Before the end (a FLEXIBLE campaign still LIVE) or while settlement still charges, settlement schedules the payout.
    if (campaign?.status !== 'SUCCESSFUL' || !campaign.ended_at || !campaign.charges_completed_at) return;
    const runAt = payoutRunAt(campaign.ended_at, this.config.campaignPayoutDelaySeconds, new Date());
    await this.jobs.scheduleAt<CampaignJob>(PAY_OUT_CAMPAIGN_QUEUE, campaignId, runAt, { campaignId }, manager);
  }
}
