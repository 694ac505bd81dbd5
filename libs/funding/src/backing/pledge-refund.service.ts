/**
 * ADMIN: COLLECTED -> REFUNDED, with the journal entry that takes the money back out of the
 * campaign's escrow. Money already paid out to the creator is not refunded: that would need
 * a clawback. The pledge is marked first, so no payout takes its money while the provider
 * refunds it; the provider key pledge:<id>:refund makes a repeated refund the same refund.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentsFacade } from '@foule/payments';
import { DomainError, isIdOf } from '@foule/shared';
import { CampaignProgress } from '../campaigns/campaign-progress';
import { CampaignQueries } from '../campaigns/campaign-queries.service';
import { FundingEvents } from '../funding-events';
import { PledgeEntity } from '../pledges/pledge.entity';
import { IncrementGate } from '../pledges/increment-gate';
import { incrementRefundKey } from '../pledges/payment-plan';
import { PledgeGate } from '../pledges/pledge-gate';
import { LinkedContests } from '../settlement/linked-contests.service';
import { pledgeRefundKey } from '../settlement/settlement-rules';
import { requirePledge } from './backer-pledges';

@Injectable()
export class PledgeRefundService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly payments: PaymentsFacade,
    private readonly queries: CampaignQueries,
    private readonly progress: CampaignProgress,
    private readonly linked: LinkedContests,
    private readonly events: FundingEvents,
  ) {}

  /** Told in the refund's transaction: the backer no longer backs the campaign. */
  private withdrawn(manager: EntityManager, pledge: PledgeEntity): Promise<void> {
    return this.events.publish(
      { type: 'funding.pledge.withdrawn', pledgeId: pledge.id, campaignId: pledge.campaignId, backerId: pledge.backerId, status: 'REFUNDED' },
      manager,
    );
  }

  async refundPledge(id: string): Promise<PledgeEntity> {
    const pledge = await this.dataSource.transaction(async (manager) => {
      // A campaign that paid a contest's prize from its escrow keeps what that needs (the campaign's lock first).
      const unlocked = isIdOf('pledge', id) ? await manager.getRepository(PledgeEntity).findOneBy({ id }) : null;
      if (unlocked?.status === 'COLLECTED' && unlocked.paidOutIn === null && !unlocked.refundRequestedAt) {
        await this.linked.assertRefundAffordable(manager, unlocked.campaignId, unlocked.amount);
      }
      const pledge = await PledgeGate.lock(manager, id);
      PledgeGate.check(pledge.status, 'refund');
      if (pledge.paidOutIn !== null) {
        throw DomainError.conflict(
          `This pledge's money was already paid out to the creator (payout ${pledge.paidOutIn} of the campaign); refunding it would need a clawback from the creator, which Foule does not do: settle it with the creator outside the platform`,
        );
      }
      if (pledge.paymentPlan === 'PLEDGE_OVER_TIME') {
        const [paid] = await manager.query<{ number: number; paid_out_in: number }[]>(
          `SELECT number, paid_out_in FROM funding.pledge_increments WHERE pledge_id = $1 AND paid_out_in IS NOT NULL ORDER BY number LIMIT 1`,
          [id],
        );
        if (paid) {
          throw DomainError.conflict(
            `Payment ${paid.number} of this pledge was already paid out to the creator (payout ${paid.paid_out_in} of the campaign); refunding it would need a clawback from the creator, which Foule does not do: settle it with the creator outside the platform`,
          );
        }
      }
      if (!pledge.refundRequestedAt) await manager.getRepository(PledgeEntity).update({ id }, { refundRequestedAt: new Date() });
      return pledge;
    });
    if (pledge.paymentPlan === 'PLEDGE_OVER_TIME') return this.refundPayments(pledge);
    const money = { amount: pledge.amount, currency: pledge.currency };
    try {
      await this.payments.refund({ chargeId: pledge.chargeId!, money, idempotencyKey: pledgeRefundKey(pledge.id) });
    } catch (error) {
      // Refused by the provider: the refund did not happen; the pledge may be paid out again.
      if (error instanceof DomainError)
        await this.dataSource.getRepository(PledgeEntity).update({ id, status: 'COLLECTED' }, { refundRequestedAt: null });
      throw error;
    }
    await this.dataSource.transaction(async (manager) => {
      const current = await PledgeGate.lock(manager, id);
      if (current.status !== 'COLLECTED') return; // a concurrent refund recorded it
      await PledgeGate.transition(manager, id, 'refund');
      await this.payments.recordPledgeRefunded(manager, { pledgeId: pledge.id, campaignId: pledge.campaignId, money });
      await this.withdrawn(manager, pledge);
    });
    await this.progress.publish(pledge.campaignId);
    return requirePledge(this.queries, id);
  }

  /**
   * A pledge over time: each collected payment is refunded with its own key
   * (pledge:<id>:increment:<n>:refund) and its own reversing entry; the payments left are
   * canceled. The pledge is REFUNDED once all of them are.
   */
  private async refundPayments(pledge: PledgeEntity): Promise<PledgeEntity> {
    const collected = (await this.queries.incrementsOfPledges([pledge.id])).filter((payment) => payment.state === 'COLLECTED');
    try {
      for (const payment of collected) {
        await this.payments.refund({
          chargeId: payment.chargeId!,
          money: { amount: payment.amount, currency: payment.currency.trim() },
          idempotencyKey: incrementRefundKey(pledge.id, payment.number),
        });
      }
    } catch (error) {
      // Refused by the provider: a repeat refunds what is left with the same keys (the done ones answer the same refund).
      if (error instanceof DomainError)
        await this.dataSource.getRepository(PledgeEntity).update({ id: pledge.id, status: 'COLLECTED' }, { refundRequestedAt: null });
      throw error;
    }
    await this.dataSource.transaction(async (manager) => {
      const current = await PledgeGate.lock(manager, pledge.id);
      if (current.status !== 'COLLECTED') return; // a concurrent refund recorded it
      await PledgeGate.transition(manager, pledge.id, 'refund');
      for (const payment of collected) {
        await IncrementGate.transition(manager, pledge.id, payment.number, 'refund');
        await this.payments.recordPledgeIncrementRefunded(manager, {
          pledgeId: pledge.id,
          campaignId: pledge.campaignId,
          number: payment.number,
          money: { amount: payment.amount, currency: payment.currency.trim() },
        });
      }
      await IncrementGate.cancelOpen(manager, [pledge.id]);
      await this.withdrawn(manager, pledge);
    });
    await this.progress.publish(pledge.campaignId);
    return requirePledge(this.queries, pledge.id);
  }
}
