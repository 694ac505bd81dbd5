/**
 * The money joins between a campaign and its creator's contests (issue #10, parts 5 and 7),
 * funding's side. Contest asks, through the FundingFacade and inside its own transaction
 * (the contest row locked first, then the campaign's, the order every path here takes):
 *   - fund: a contest's prize and fee out of the campaign's escrow, while the campaign is
 *     SUCCESSFUL and not yet paid out and what the creator would be paid covers it. The
 *     campaign's row lock (FOR UPDATE) is the one the payout takes, so a payout and a funding
 *     never both take the same money: whichever commits second sees the other.
 *   - return: a canceled campaign-funded contest's prize and fee back into the escrow (before
 *     the payout that deducts it), or, once that payout paid the creator net of it, to the
 *     creator's payable with a payout of its own (CAMPAIGN_FUNDS).
 *   - agree a royalty: the winner's share of what the campaign collects, before its first payout.
 * The payout reads the contests' outcomes through a hook contest registers (funding never
 * imports contest) and settles the royalties (payout-split.ts).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CommunityFacade } from '@foule/community';
import { PaymentsFacade, basisPointsOf } from '@foule/payments';
import { APP_CONFIG, DomainError, JobScheduler, formatMoney, updateReturning, type AppConfig } from '@foule/shared';
import { CampaignGate } from '../campaigns/campaign-gate';
import type { CampaignEntity } from '../campaigns/campaign.entities';
import { PAY_OUT_CAMPAIGN_QUEUE, type CampaignJob } from '../shared/funding-queues';
import { collectedNotPaidOut } from './collected-funds';
import { ContestFundingEntity, RoyaltyAgreementEntity } from './linked-contest.entities';
import { royaltyOf, type PayoutSplit, type RoyaltyOutcome, type RoyaltyState } from './payout-split';
import { payoutRunAt } from '../shared/payout-timing';

/** The most a campaign's contests may share of it, all royalties together (basis points). */
export const MAX_CAMPAIGN_ROYALTY_BPS = 3000;

/** What contest reports of its contests' outcomes, read at each payout. */
export type RoyaltyOutcomes = (manager: EntityManager, contestIds: readonly string[]) => Promise<Map<string, { outcome: RoyaltyOutcome; winnerId: string | null }>>;

export interface ContestFundingRequest {
  campaignId: string;
  contestId: string;
  holderId: string;
  prize: number;
  fee: number;
  currency: string;
}

@Injectable()
export class LinkedContests {
  private outcomes: RoyaltyOutcomes | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly community: CommunityFacade,
  ) {}

  registerRoyaltyOutcomes(outcomes: RoyaltyOutcomes): void {
    this.outcomes = outcomes;
  }

  /** openContest(fromCampaignId): checks and books the funding; the caller holds the contest's row lock. */
  async fund(manager: EntityManager, request: ContestFundingRequest): Promise<void> {
    const campaign = await CampaignGate.lock(manager, request.campaignId, 'update');
    if (campaign.creatorId !== request.holderId) {
      if (campaign.status === 'DRAFT') throw DomainError.notFound('Campaign', request.campaignId);
      throw DomainError.forbidden("Only the campaign's creator can pay a contest's prize from its funds");
    }
    if (campaign.currency.trim() !== request.currency) {
      throw DomainError.badField('fromCampaignId', `the campaign collects ${campaign.currency.trim()}; the prize is in ${request.currency}: pay it by card instead`);
    }
    if (campaign.status !== 'SUCCESSFUL') {
      throw DomainError.conflict(`The campaign is ${campaign.status}: only a SUCCESSFUL campaign's collected funds can pay a prize`);
    }
    if (campaign.payoutsMade > 0) throw DomainError.conflict("The campaign's funds were already paid out to its creator: pay the prize by card instead");
    const needed = request.prize + request.fee;
    const available = await this.availableForContests(manager, campaign);
    if (needed > available) {
      const money = (amount: number) => formatMoney({ amount, currency: request.currency });
      throw DomainError.conflict(
        `The campaign's escrow does not cover prize plus fee: ${money(needed)} needed, ${money(available)} available (collected funds after the platform's fee, royalties and other contests)`,
      );
    }
    await manager.getRepository(ContestFundingEntity).insert({
      contestId: request.contestId,
      campaignId: campaign.id,
      prizeAmount: request.prize,
      feeAmount: request.fee,
      currency: request.currency,
      deductedIn: null,
      returnedAt: null,
      returnedTo: null,
    });
    await this.payments.recordContestFundedFromCampaign(manager, { campaignId: campaign.id, contestId: request.contestId, prize: request.prize, fee: request.fee, currency: request.currency });
  }

  /**
   * A canceled contest paid from a campaign: prize and fee back. Before the payout that deducts
   * it, into the campaign's escrow (the creator's next payout is not reduced); after it, to the
   * creator, who was already paid net of it: their payable and a payout of it. Returns whether
   * the contest was campaign-funded and not yet returned.
   */
  async returnFunding(manager: EntityManager, contestId: string): Promise<boolean> {
    const found = await manager.getRepository(ContestFundingEntity).findOneBy({ contestId });
    if (!found) return false;
    const campaign = await CampaignGate.lock(manager, found.campaignId, 'update');
    const funding = await manager.getRepository(ContestFundingEntity).findOne({ where: { contestId }, lock: { mode: 'pessimistic_write' } });
    if (!funding || funding.returnedAt) return false;
    const money = { campaignId: funding.campaignId, contestId, prize: funding.prizeAmount, fee: funding.feeAmount, currency: funding.currency.trim() };
    const returnedTo = funding.deductedIn === null ? 'ESCROW' : 'CREATOR';
    if (returnedTo === 'ESCROW') {
      await this.payments.recordContestReturnedToCampaign(manager, money);
    } else {
      await this.payments.recordContestReturnedToCreator(manager, { ...money, creatorId: campaign.creatorId });
      await this.payments.createPayout(manager, {
        recipientProfileId: campaign.creatorId,
        money: { amount: money.prize + money.fee, currency: money.currency },
        sourceId: campaign.id,
        idempotencyKey: `campaign:${campaign.id}:contest-return:${contestId}`,
        kind: 'CAMPAIGN_FUNDS',
      });
    }
    await manager.getRepository(ContestFundingEntity).update({ contestId }, { returnedAt: new Date(), returnedTo });
    return true;
  }

  /**
   * Before a pledge's refund goes to the provider (refundPledge): when contests were paid from
   * the campaign's escrow, the refund must leave the creator's payout non-negative and the escrow
   * covering it, else CONFLICT (cancel the contest first). Takes the campaign's row lock before
   * the caller locks the pledge (the order payouts take). Nothing to check, and no lock, for a
   * campaign that funded no contest.
   */
  async assertRefundAffordable(manager: EntityManager, campaignId: string, amount: number): Promise<void> {
    if ((await this.pendingDeductions(manager, campaignId)) === 0) return;
    const campaign = await CampaignGate.lock(manager, campaignId, 'update');
    const available = await this.availableForContests(manager, campaign);
    if (amount > available) {
      throw DomainError.conflict(
        `The campaign's escrow paid a contest's prize: refunding ${formatMoney({ amount, currency: campaign.currency.trim() })} would take more than it still holds for its creator (${formatMoney({ amount: available, currency: campaign.currency.trim() })}); cancel the contest first`,
      );
    }
  }

  /**
   * createContest(campaignId, winnerRoyaltyBps > 0), in the contest's creating transaction:
   * agreed before the campaign's first payout (CONFLICT after), and all of a campaign's
   * royalties together at most MAX_CAMPAIGN_ROYALTY_BPS (BAD_USER_INPUT).
   */
  async agreeRoyalty(manager: EntityManager, input: { campaignId: string; contestId: string; bps: number }): Promise<void> {
    const campaign = await CampaignGate.lock(manager, input.campaignId, 'update');
    if (campaign.payoutsMade > 0) {
      throw DomainError.conflict("The campaign already paid out part of its funds: a winner's royalty is agreed before its first payout");
    }
    const [{ total }] = await manager.query<{ total: string }[]>(
      `SELECT coalesce(sum(bps), 0) AS total FROM funding.royalty_agreements WHERE campaign_id = $1`,
      [campaign.id],
    );
    if (Number(total) + input.bps > MAX_CAMPAIGN_ROYALTY_BPS) {
      throw DomainError.badField(
        'winnerRoyaltyBps',
        `the campaign's contests already share ${Number(total)} bps of it; all royalties of a campaign together are at most ${MAX_CAMPAIGN_ROYALTY_BPS}`,
      );
    }
    await manager.getRepository(RoyaltyAgreementEntity).insert({
      contestId: input.contestId,
      campaignId: campaign.id,
      bps: input.bps,
      accrued: 0,
      settled: 0,
      paidAmount: 0,
      returnedAmount: 0,
      winnerId: null,
    });
  }

  /**
   * A royalty contest completed or was canceled: a payout run settles its royalty (paid to the
   * winner, or back to the creator) as soon as the campaign's payout is due, in the caller's
   * transaction. Nothing for a campaign that is not (yet) paying out.
   */
  async settleSoon(manager: EntityManager, contestId: string): Promise<void> {
    const [row] = await manager.query<{ id: string; status: string; ended_at: Date | null; charges_completed_at: Date | null }[]>(
      `SELECT c.id, c.status, c.ended_at, c.charges_completed_at FROM funding.royalty_agreements r JOIN funding.campaigns c ON c.id = r.campaign_id WHERE r.contest_id = $1`,
      [contestId],
    );
    if (!row || row.status !== 'SUCCESSFUL' || !row.ended_at || !row.charges_completed_at) return;
    const runAt = payoutRunAt(row.ended_at, this.config.campaignPayoutDelaySeconds, new Date());
    await this.jobs.scheduleAt<CampaignJob>(PAY_OUT_CAMPAIGN_QUEUE, row.id, runAt, { campaignId: row.id }, manager);
  }

  /** The campaign's royalty agreements with their contests' outcomes, locked for the payout. */
  async royaltiesForPayout(manager: EntityManager, campaignId: string): Promise<RoyaltyState[]> {
    const agreements = await manager
      .getRepository(RoyaltyAgreementEntity)
      .find({ where: { campaignId }, order: { contestId: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    if (agreements.length === 0) return [];
    if (!this.outcomes) throw new Error('no royalty outcomes registered: the contest module registers them');
    const outcomes = await this.outcomes(manager, agreements.map((agreement) => agreement.contestId));
    return agreements.map((agreement) => ({
      contestId: agreement.contestId,
      bps: agreement.bps,
      accrued: agreement.accrued,
      settled: agreement.settled,
      outcome: outcomes.get(agreement.contestId)?.outcome ?? 'VOID',
      winnerId: outcomes.get(agreement.contestId)?.winnerId ?? null,
    }));
  }

  /**
   * In the payout's transaction, after the campaign's payout entry: each winner's royalty out
   * of escrow (one named movement per contest), a ROYALTY payout of it and ROYALTY_PAID; the
   * agreements' running totals.
   */
  async bookRoyalties(manager: EntityManager, campaign: Pick<CampaignEntity, 'id' | 'title'>, currency: string, sequence: number, split: PayoutSplit): Promise<void> {
    for (const royalty of split.royalties) {
      if (royalty.paid > 0) {
        const money = { amount: royalty.paid, currency };
        await this.payments.recordRoyaltyPaid(manager, { campaignId: campaign.id, contestId: royalty.contestId, designerId: royalty.winnerId!, money });
        const { payoutId } = await this.payments.createPayout(manager, {
          recipientProfileId: royalty.winnerId!,
          money,
          sourceId: campaign.id,
          idempotencyKey: `campaign:${campaign.id}:payout:${sequence}:royalty:${royalty.contestId}`,
          kind: 'ROYALTY',
        });
        await this.community.notify(manager, {
          key: `funding.royalty.paid:${royalty.contestId}:${sequence}`,
          kind: 'ROYALTY_PAID',
          message: `Your royalty on "${campaign.title}": ${formatMoney(money)}, for the design that won its contest`,
          subjectId: payoutId,
          relatedIds: [campaign.id, royalty.contestId],
          recipients: [royalty.winnerId!],
        });
      }
      await updateReturning(
        manager,
        `UPDATE funding.royalty_agreements SET accrued = $2, settled = $3, paid_amount = paid_amount + $4, returned_amount = returned_amount + $5,
                winner_id = coalesce($6, winner_id) WHERE contest_id = $1 RETURNING contest_id`,
        [royalty.contestId, royalty.accrued, royalty.settled, royalty.paid, royalty.returned, royalty.winnerId],
      );
    }
  }

  /** Prize and fee of the contests funded from the campaign that no payout deducted yet (and not returned). */
  async pendingDeductions(manager: EntityManager, campaignId: string): Promise<number> {
    const [{ total }] = await manager.query<{ total: string }[]>(
      `SELECT coalesce(sum(prize_amount + fee_amount), 0) AS total FROM funding.contest_fundings
        WHERE campaign_id = $1 AND deducted_in IS NULL AND returned_at IS NULL`,
      [campaignId],
    );
    return Number(total);
  }

  async markDeducted(manager: EntityManager, campaignId: string, sequence: number): Promise<void> {
    await updateReturning(
      manager,
      `UPDATE funding.contest_fundings SET deducted_in = $2 WHERE campaign_id = $1 AND deducted_in IS NULL AND returned_at IS NULL RETURNING contest_id`,
      [campaignId, sequence],
    );
  }

  /**
   * What the creator's payout would be if it ran now, the limit of what contests may take:
   * the collected funds not yet paid out, minus the platform's fee on them, the royalties on
   * them and the contests already funded; never more than the escrow holds.
   */
  private async availableForContests(manager: EntityManager, campaign: CampaignEntity): Promise<number> {
    const collected = await collectedNotPaidOut(manager, campaign.id);
    const royalties = await manager.getRepository(RoyaltyAgreementEntity).findBy({ campaignId: campaign.id });
    const reserved = royalties.reduce((sum, agreement) => sum + royaltyOf(campaign.paidOutAmount + collected, agreement.bps) - agreement.accrued, 0);
    const creatorWouldGet = collected - basisPointsOf(collected, this.config.platformFeeBps) - reserved - (await this.pendingDeductions(manager, campaign.id));
    const escrow = await this.payments.campaignEscrowBalance(manager, campaign.id, campaign.currency.trim());
    return Math.max(0, Math.min(creatorWouldGet, escrow));
  }
}
