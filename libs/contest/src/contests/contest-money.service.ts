/**
 * A contest's money, through the PaymentsFacade only: the opening charge of prize plus fee,
 * the refund on cancellation, the award to the winner and the split among finalists. Provider
 * keys derive from the contest's id (contest-rules' contestKeys), and each provider call is
 * recorded by a guarded UPDATE in the transaction of its journal entry, so a crash between the
 * provider's answer and our record replays the same key and moves nobody's money twice.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { FundingFacade } from '@foule/funding';
import { PaymentsFacade, addFeeOnTop } from '@foule/payments';
import { APP_CONFIG, CrashPoints, DomainError, JobScheduler, updateReturning, type AppConfig } from '@foule/shared';
import { PrizeAwardEntity } from '../domain/entry.entities';
import { contestKeys } from '../domain/contest-rules';
import type { ContestEntity } from '../domain/contest.entity';
import { CONTEST_REFUND_QUEUE, type ContestJob } from './contest-queues';

@Injectable()
export class ContestMoney {
  private readonly logger = new Logger('ContestMoney');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly crashPoints: CrashPoints,
    private readonly funding: FundingFacade,
  ) {
    jobs.define<ContestJob>({
      name: CONTEST_REFUND_QUEUE,
      handle: async ({ contestId }) => {
        await this.refund(contestId);
      },
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
  }

  /** What opening costs the holder: the prize plus CONTEST_FEE_BPS of it. */
  openingPrice(contest: Pick<ContestEntity, 'prizeAmount'>): { fee: number; total: number } {
    return addFeeOnTop(contest.prizeAmount, this.config.contestFeeBps);
  }

  /**
   * Charges prize and fee on the holder's card, with the key of this attempt. A decline
   * counts the attempt (so the next card gets a new key) and throws PAYMENT_FAILED.
   */
  async chargeOpening(contest: ContestEntity, holderId: string, paymentMethodId: string): Promise<{ chargeId: string; fee: number }> {
    const { fee, total } = this.openingPrice(contest);
    try {
      const charge = await this.payments.chargeNow({
        profileId: holderId,
        paymentMethodId,
        money: { amount: total, currency: contest.currency },
        idempotencyKey: contestKeys.openCharge(contest.id, contest.declinedOpenAttempts),
        description: `Prize and fee of the contest "${contest.title}" (${contest.id})`,
      });
      this.crashPoints.afterProviderCall('contest.open.charge');
      return { chargeId: charge.chargeId, fee };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_FAILED') {
        await updateReturning(
          this.dataSource.manager,
          `UPDATE contest.contests SET declined_open_attempts = declined_open_attempts + 1, updated_at = now()
            WHERE id = $1 AND status = 'DRAFT' AND declined_open_attempts = $2 RETURNING id`,
          [contest.id, contest.declinedOpenAttempts],
        );
      }
      throw error;
    }
  }

  /** The opening's journal entry, in the transaction that opens the contest. */
  recordOpening(manager: EntityManager, contest: ContestEntity): Promise<string> {
    return this.payments.recordContestOpened(manager, { contestId: contest.id, prize: contest.prizeAmount, fee: contest.feeAmount, currency: contest.currency });
  }

  /**
   * In the canceling transaction: the refund job (our outbox), so it happens even if the process
   * dies right after. A contest paid from its holder's campaign is refunded right here, with no
   * provider involved: prize and fee back to the campaign (funding says where exactly). A
   * canceled royalty contest's held royalty goes back to the creator with the next payout run.
   */
  async scheduleRefund(manager: EntityManager, contest: ContestEntity): Promise<void> {
    if (contest.fundedFromCampaignId && !contest.refundedAt && (await this.funding.returnContestFunding(manager, contest.id))) {
      await updateReturning(manager, `UPDATE contest.contests SET refunded_at = now(), updated_at = now() WHERE id = $1 AND refunded_at IS NULL RETURNING id`, [contest.id]);
      this.logger.log(`contest ${contest.id}: prize and fee returned to campaign ${contest.fundedFromCampaignId}`);
    }
    if (contest.winnerRoyaltyBps > 0) await this.funding.settleWinnerRoyaltySoon(manager, contest.id);
    if (contest.chargeId) await this.jobs.enqueue<ContestJob>(CONTEST_REFUND_QUEUE, { contestId: contest.id }, { key: contest.id, manager });
  }

  /**
   * Gives a canceled contest's holder prize and fee back: the provider's refund (key
   * contest:<id>:refund), then, in one transaction, the guarded record (refunded_at IS NULL)
   * and the reversing journal entry. Returns whether this call recorded it.
   */
  async refund(contestId: string): Promise<boolean> {
    const [contest] = await this.dataSource.query<{ status: string; charge_id: string | null; refunded_at: Date | null; prize_amount: string; fee_amount: string; currency: string }[]>(
      `SELECT status, charge_id, refunded_at, prize_amount, fee_amount, currency FROM contest.contests WHERE id = $1`,
      [contestId],
    );
    if (!contest || contest.status !== 'CANCELED' || !contest.charge_id || contest.refunded_at) return false;
    const money = { contestId, prize: Number(contest.prize_amount), fee: Number(contest.fee_amount), currency: contest.currency.trim() };
    await this.payments.refund({
      chargeId: contest.charge_id,
      money: { amount: money.prize + money.fee, currency: money.currency },
      idempotencyKey: contestKeys.refund(contestId),
    });
    this.crashPoints.afterProviderCall('contest.refund');
    return this.dataSource.transaction(async (manager) => {
      const [recorded] = await updateReturning<{ id: string }>(
        manager,
        `UPDATE contest.contests SET refunded_at = now(), updated_at = now() WHERE id = $1 AND status = 'CANCELED' AND refunded_at IS NULL RETURNING id`,
        [contestId],
      );
      if (!recorded) return false; // a concurrent run recorded the same refund
      await this.payments.recordContestRefunded(manager, money);
      this.logger.log(`contest ${contestId}: refunded ${money.prize + money.fee} ${money.currency} to its holder`);
      return true;
    });
  }

  /**
   * In the completing transaction: the prize, out of escrow, to each designer's payable, a
   * payout of it (paid once the designer's payout account is enabled) and the award row the
   * crowd stats count. One share (WINNER) or several (SPLIT).
   */
  async award(manager: EntityManager, contest: ContestEntity, kind: PrizeAwardEntity['kind'], shares: { designerId: string; amount: number }[]): Promise<void> {
    const currency = contest.currency;
    if (kind === 'WINNER') {
      await this.payments.recordPrizeAwarded(manager, { contestId: contest.id, winnerId: shares[0].designerId, prize: shares[0].amount, currency });
    } else {
      await this.payments.recordPrizeSplit(manager, {
        contestId: contest.id,
        currency,
        shares: shares.map((share) => ({ profileId: share.designerId, amount: share.amount })),
      });
    }
    for (const share of shares) {
      const { payoutId } = await this.payments.createPayout(manager, {
        recipientProfileId: share.designerId,
        money: { amount: share.amount, currency },
        sourceId: contest.id,
        idempotencyKey: contestKeys.payout(contest.id, share.designerId),
      });
      await manager.getRepository(PrizeAwardEntity).insert({ contestId: contest.id, designerId: share.designerId, kind, amount: share.amount, currency, payoutId });
    }
    // The winner's royalty held in the campaign's escrow is paid by a payout run (or, after a split, goes back to the creator).
    if (contest.winnerRoyaltyBps > 0) await this.funding.settleWinnerRoyaltySoon(manager, contest.id);
  }
}
