/**
 * Paying a successful campaign's creator, CAMPAIGN_PAYOUT_DELAY_SECONDS after it ended, for
 * what was collected by then: one journal entry takes the money out of escrow (the platform's
 * fee, and the rest owed to the creator), and payments makes a payout of the net. Each
 * collected pledge is marked with the payout that took its money (paid_out_in), in the same
 * transaction, so the same money never leaves twice: a pledge fixed later
 * (retryPledgePayment) is unmarked and goes out in the next payout, key
 * campaign:<id>:payout:<n>.
 *
 * What the payout pays is divided by payoutSplit (payout-split.ts): the platform's fee, the
 * prize and fee of contests funded from the escrow (taken off the creator's part), and the
 * royalties of linked contests (paid to their winners, held in escrow, or returned to the
 * creator; LinkedContests books them). A royalty contest completing or being canceled runs
 * this job again, so the held royalty moves even when nothing new was collected.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentsFacade } from '@foule/payments';
import { APP_CONFIG, JobScheduler, type AppConfig } from '@foule/shared';
import { CampaignEntity } from '../campaigns/campaign.entities';
import { CampaignGate } from '../campaigns/campaign-gate';
import { PAY_OUT_CAMPAIGN_QUEUE, type CampaignJob } from '../shared/funding-queues';
import { markCollectedPaidOut } from './collected-funds';
import { LinkedContests } from './linked-contests.service';
import { movesMoney, payoutSplit } from './payout-split';
import { payoutDueAt } from '../shared/payout-timing';
import { campaignPayoutKey } from './settlement-rules';

@Injectable()
export class CampaignPayoutService {
  private readonly logger = new Logger('CampaignPayouts');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly linked: LinkedContests,
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
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      // Settlement schedules this job once every charge is made; before that there is nothing to pay.
      if (campaign.status !== 'SUCCESSFUL' || !campaign.chargesCompletedAt || !campaign.endedAt) return 0;
      const dueAt = payoutDueAt(campaign.endedAt, this.config.campaignPayoutDelaySeconds);
      const [{ due }] = await manager.query<{ due: boolean }[]>('SELECT $1::timestamptz <= now() AS due', [dueAt]);
      if (!due) {
        await this.jobs.scheduleAt<CampaignJob>(PAY_OUT_CAMPAIGN_QUEUE, campaignId, dueAt, { campaignId }, manager);
        return 0;
      }
      const sequence = campaign.payoutsMade + 1;
      // Pledges paid in full and each payment of a pledge over time collected since the last payout.
      const collected = await markCollectedPaidOut(manager, campaignId, sequence);
      const amount = collected.gross;
      const split = payoutSplit({
        gross: amount,
        grossBefore: campaign.paidOutAmount,
        platformFeeBps: this.config.platformFeeBps,
        deducted: await this.linked.pendingDeductions(manager, campaignId),
        royalties: await this.linked.royaltiesForPayout(manager, campaignId),
      });
      if (!movesMoney(split, amount)) return 0;
      const { fee, creator: net } = split;
      const currency = campaign.currency;
      if (fee + net > 0) {
        await this.payments.recordCampaignPayout(manager, {
          campaignId,
          creatorId: campaign.creatorId,
          gross: { amount, currency },
          fee,
          deducted: split.deducted,
          withheld: split.withheld,
          released: split.released,
        });
      }
      await this.linked.markDeducted(manager, campaignId, sequence);
      if (net > 0) {
        await this.payments.createPayout(manager, {
          recipientProfileId: campaign.creatorId,
          money: { amount: net, currency },
          sourceId: campaignId,
          idempotencyKey: campaignPayoutKey(campaignId, sequence),
          kind: 'CAMPAIGN_FUNDS',
        });
      }
      await this.linked.bookRoyalties(manager, campaign, currency, sequence, split);
      await manager
        .getRepository(CampaignEntity)
        .update({ id: campaignId }, { payoutsMade: sequence, paidOutAmount: campaign.paidOutAmount + amount });
      this.logger.log(`campaign ${campaignId}: payout ${sequence} of ${net} ${currency} (${collected.pledgesPaidInFull} pledge(s), ${collected.paymentsOverTime} payment(s) over time, ${amount} collected, fee ${fee})`);
      return amount;
    });
  }
}
