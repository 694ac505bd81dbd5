/**
 * Paying a successful campaign's creator, CAMPAIGN_PAYOUT_DELAY_SECONDS after it ended, for
 * what was collected by then: one journal entry takes the money out of escrow (the platform
 * fee to platform:fees, the rest to the creator's payable), and payments makes a payout of
 * the net. Each collected pledge is marked with the payout that took its money (paid_out_in),
 * in the same transaction, so the same money never leaves twice: a pledge fixed later
 * (retryPledgePayment) is unmarked and goes out in the next payout, key
 * campaign:<id>:payout:<n>.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LedgerAccounts, PaymentsFacade, splitFee } from '@foule/payments';
import { APP_CONFIG, JobScheduler, type AppConfig } from '@foule/shared';
import { CampaignEntity } from '../campaigns/campaign.entities';
import { lockCampaign } from '../shared/locks';
import { campaignPayoutKey } from './settlement-rules';
import { PAY_OUT_CAMPAIGN_QUEUE, type CampaignJob } from './settlement.queues';

@Injectable()
export class CampaignPayoutService {
  private readonly logger = new Logger('CampaignPayouts');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
  ) {
    jobs.define<CampaignJob>({
      name: PAY_OUT_CAMPAIGN_QUEUE,
      handle: async ({ campaignId }) => {
        await this.payOut(campaignId);
      },
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
  }

  /** The pay-out-campaign job: pays out collected money still in escrow, if the delay has passed. Returns the gross amount paid out. */
  async payOut(campaignId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await lockCampaign(manager, campaignId, 'update');
      // Settlement schedules this job once every charge is made; before that there is nothing to pay.
      if (campaign.status !== 'SUCCESSFUL' || !campaign.chargesCompletedAt || !campaign.endedAt) return 0;
      const dueAt = new Date(campaign.endedAt.getTime() + this.config.campaignPayoutDelaySeconds * 1000);
      const [{ due }] = await manager.query<{ due: boolean }[]>('SELECT $1::timestamptz <= now() AS due', [dueAt]);
      if (!due) {
        await this.jobs.scheduleAt<CampaignJob>(PAY_OUT_CAMPAIGN_QUEUE, campaignId, dueAt, { campaignId }, manager);
        return 0;
      }
      const sequence = campaign.payoutsMade + 1;
      const [{ gross, pledges }] = await manager.query<{ gross: string; pledges: string }[]>(
        `WITH marked AS (
           UPDATE funding.pledges SET paid_out_in = $2, updated_at = now()
            WHERE campaign_id = $1 AND status = 'COLLECTED' AND paid_out_in IS NULL AND refund_requested_at IS NULL
            RETURNING amount)
         SELECT coalesce(sum(amount), 0) AS gross, count(*) AS pledges FROM marked`,
        [campaignId, sequence],
      );
      const amount = Number(gross);
      if (amount === 0) return 0;
      const { fee, net } = splitFee(amount, this.config.platformFeeBps);
      const currency = campaign.currency;
      await this.payments.postJournalEntry(manager, {
        kind: 'campaign.payout',
        reference: campaignId,
        postings: [
          { account: LedgerAccounts.campaignEscrow(campaignId), amount: -amount, currency },
          ...(fee > 0 ? [{ account: LedgerAccounts.platformFees, amount: fee, currency }] : []),
          ...(net > 0 ? [{ account: LedgerAccounts.profilePayable(campaign.creatorId), amount: net, currency }] : []),
        ],
      });
      if (net > 0) {
        await this.payments.createPayout(manager, {
          recipientProfileId: campaign.creatorId,
          money: { amount: net, currency },
          sourceId: campaignId,
          idempotencyKey: campaignPayoutKey(campaignId, sequence),
        });
      }
      await manager
        .getRepository(CampaignEntity)
        .update({ id: campaignId }, { payoutsMade: sequence, paidOutAmount: campaign.paidOutAmount + amount });
      this.logger.log(`campaign ${campaignId}: payout ${sequence} of ${net} ${currency} (${pledges} pledge(s), ${amount} collected, fee ${fee})`);
      return amount;
    });
  }
}
