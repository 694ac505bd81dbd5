/**
 * What backers (and, for refunds, admins) do to pledges. Money moves only through the
 * PaymentsFacade, with provider keys derived from our ids or from the client's idempotency
 * key, so a retried request never charges twice; every state change is one transaction,
 * with its journal entry when money moves. Tier units are taken with an atomic conditional
 * UPDATE inside the pledge's transaction, so a limited tier never oversells.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { LedgerAccounts, PaymentsFacade, type IdempotentRun } from '@foule/payments';
import {
  APP_CONFIG,
  DomainError,
  JobScheduler,
  MAX_CHARGE_MINOR_UNITS,
  isIdOf,
  isUniqueViolation,
  newId,
  oneMajorUnit,
  type AppConfig,
  type Viewer,
  updateReturning,
} from '@foule/shared';
import { CampaignProgress } from '../campaigns/campaign-progress';
import { CampaignQueries } from '../campaigns/campaign-queries.service';
import { pledgeAmountProblems } from '../campaigns/campaign-rules';
import { RewardTierEntity, type CampaignEntity } from '../campaigns/campaign.entities';
import { FundingEvents } from '../funding-events';
import type { PledgeInput, UpdatePledgeInput } from '../funding.inputs';
import { lockCampaign, lockPledge } from '../shared/locks';
import { PAY_OUT_CAMPAIGN_QUEUE, type CampaignJob } from '../settlement/settlement.queues';
import { pledgeChargeKey, pledgeRefundKey, retryWindowOpen } from '../settlement/settlement-rules';
import { PledgeEntity } from './pledge.entity';
import { pledgeTransition, type PledgeEvent, type PledgeStatus } from './pledge-status.machine';

/** What a pledge request stores under its idempotency key: a replay answers the same pledge. */
interface PledgeReceipt {
  pledgeId: string;
}

@Injectable()
export class PledgeService {
  private readonly logger = new Logger('Pledges');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly queries: CampaignQueries,
    private readonly progress: CampaignProgress,
    private readonly events: FundingEvents,
  ) {}

  /**
   * A pledge, once per idempotency key. ALL_OR_NOTHING: the card is saved for the deadline
   * (declined: PAYMENT_FAILED, no pledge) and the pledge waits PENDING. FLEXIBLE: the card
   * is charged now (declined: PAYMENT_FAILED, no pledge) and the pledge is COLLECTED with its
   * journal entry, in the transaction that creates it.
   */
  async pledge(viewer: Viewer, input: PledgeInput): Promise<PledgeEntity> {
    const receipt = await this.payments.runIdempotent<PledgeReceipt>(
      { profileId: viewer.profileId, operation: 'funding.pledge', key: input.idempotencyKey, request: { ...input } },
      (run) => this.makePledge(viewer, input, run),
    );
    return this.requirePledge(receipt.pledgeId);
  }

  private async makePledge(viewer: Viewer, input: PledgeInput, run: IdempotentRun): Promise<PledgeReceipt> {
    const campaign = await this.queries.requireCampaign(input.campaignId);
    // FORBIDDEN rather than BAD_USER_INPUT: nothing in the input could make it right; it is who asks.
    if (campaign.creatorId === viewer.profileId) throw DomainError.forbidden('A creator cannot back their own campaign');
    this.assertTakingPledges(campaign);
    // Checked again by the unique index at insert; checked here so no card is saved for nothing.
    const existing = await this.queries.livePledgeId(campaign.id, viewer.profileId);
    if (existing)
      throw DomainError.conflict(`You already back this campaign (pledge ${existing}): change it with updatePledge instead`);
    const tier = input.tierId ? await this.tierOf(campaign, input.tierId) : null;
    if (tier && tier.quantityLimit !== null && tier.claimed >= tier.quantityLimit) throw this.soldOut(tier);
    this.assertAmount(campaign, input.amount, tier);

    // Provider keys come from the client's idempotency key, so a retry of this request after
    // a crash makes the same provider request (the same saved card, the same charge).
    const requestKey = `pledge-request:${createHash('sha256').update(`${viewer.profileId}\u0000${input.idempotencyKey}`).digest('hex').slice(0, 40)}`;
    const pledgeId = newId('pledge');
    const money = { amount: input.amount, currency: campaign.currency };
    let card: { customerId: string; paymentMethodId: string };
    let chargeId: string | null = null;
    if (campaign.fundingModel === 'FLEXIBLE') {
      const charge = await this.payments.chargeNow({
        profileId: viewer.profileId,
        paymentMethodId: input.paymentMethodId,
        money,
        idempotencyKey: `${requestKey}:charge`,
        description: this.describe(campaign),
      });
      card = { customerId: charge.customerId, paymentMethodId: input.paymentMethodId };
      chargeId = charge.chargeId;
    } else {
      card = await this.payments.saveCard({
        profileId: viewer.profileId,
        paymentMethodId: input.paymentMethodId,
        idempotencyKey: `${requestKey}:card`,
      });
    }

    try {
      await this.dataSource.transaction(async (manager) => {
        const locked = await lockCampaign(manager, campaign.id, 'share');
        this.assertTakingPledges(locked);
        if (tier) await this.takeUnit(manager, tier);
        const status: PledgeStatus = chargeId ? 'COLLECTED' : 'PENDING';
        try {
          await manager.getRepository(PledgeEntity).insert({
            id: pledgeId,
            campaignId: campaign.id,
            backerId: viewer.profileId,
            tierId: tier?.id ?? null,
            amount: input.amount,
            currency: campaign.currency,
            status,
            customerId: card.customerId,
            paymentMethodId: card.paymentMethodId,
            chargeId,
            collectedAt: chargeId ? new Date() : null,
          });
        } catch (error) {
          if (isUniqueViolation(error, 'pledges_one_live_per_backer')) {
            throw DomainError.conflict('You already back this campaign: change your pledge with updatePledge instead');
          }
          throw error;
        }
        if (chargeId)
          await this.recordCollection(manager, { id: pledgeId, campaignId: campaign.id, backerId: viewer.profileId, ...money });
        await run.complete(manager, { pledgeId } satisfies PledgeReceipt);
      });
    } catch (error) {
      // A flexible pledge was charged but refused here (sold out, already a backer): give the
      // money back at once. Unexpected errors keep the charge: the retry of this request
      // replays the same charge and records it.
      if (chargeId && error instanceof DomainError) await this.refundUnrecorded(chargeId, money, `${requestKey}:refund`);
      throw error;
    }
    await this.progress.publish(campaign.id);
    return { pledgeId };
  }

  /** Tier, amount or card, before the deadline, by the backer. Moving tiers gives the old unit back and takes a new one, atomically. */
  async updatePledge(viewer: Viewer, id: string, input: UpdatePledgeInput): Promise<PledgeEntity> {
    const pledge = await this.ownPledge(viewer, id);
    const campaign = await this.queries.requireCampaign(pledge.campaignId);
    if (campaign.fundingModel === 'FLEXIBLE') {
      throw DomainError.conflict(
        'A flexible pledge was charged when it was made and cannot be changed; ask an admin for a refund if it was a mistake',
      );
    }
    this.next(pledge.status, 'change');
    this.assertTakingPledges(campaign);
    const card = input.paymentMethodId
      ? await this.payments.saveCard({
          profileId: viewer.profileId,
          paymentMethodId: input.paymentMethodId,
          idempotencyKey: `pledge:${pledge.id}:card:${randomUUID()}`,
        })
      : null;

    await this.dataSource.transaction(async (manager) => {
      const locked = await lockCampaign(manager, campaign.id, 'share');
      this.assertTakingPledges(locked);
      const current = await lockPledge(manager, id);
      this.next(current.status, 'change');
      const tierId = input.tierId === undefined ? current.tierId : input.tierId;
      const tier = tierId ? await this.tierOf(locked, tierId, manager, current.tierId === tierId) : null;
      const amount = input.amount ?? current.amount;
      this.assertAmount(locked, amount, tier);
      if (tierId !== current.tierId) {
        // In tier-id order, so two backers swapping tiers cannot deadlock.
        const moves = [
          ...(current.tierId ? [{ id: current.tierId, take: false }] : []),
          ...(tier ? [{ id: tier.id, take: true }] : []),
        ].sort((a, b) => (a.id < b.id ? -1 : 1));
        for (const move of moves) {
          if (move.take) await this.takeUnit(manager, tier!);
          else await this.giveUnitBack(manager, move.id);
        }
      }
      await manager
        .getRepository(PledgeEntity)
        .update(
          { id: current.id },
          { tierId, amount, ...(card ? { customerId: card.customerId, paymentMethodId: card.paymentMethodId } : {}) },
        );
    });
    await this.progress.publish(campaign.id);
    return this.requirePledge(id);
  }

  /** PENDING -> CANCELED before the deadline, by the backer; the unit goes back to the tier. */
  async cancelPledge(viewer: Viewer, id: string): Promise<PledgeEntity> {
    const pledge = await this.ownPledge(viewer, id);
    await this.dataSource.transaction(async (manager) => {
      const campaign = await lockCampaign(manager, pledge.campaignId, 'share');
      const current = await lockPledge(manager, id);
      const next = this.next(current.status, 'cancel');
      this.assertTakingPledges(campaign);
      if (current.tierId) await this.giveUnitBack(manager, current.tierId);
      await manager.getRepository(PledgeEntity).update({ id }, { status: next, endedAt: new Date() });
    });
    await this.progress.publish(pledge.campaignId);
    return this.requirePledge(id);
  }

  /**
   * The backer pays a failed pledge again, on-session, within the retry window. Key
   * pledge:<id>:charge:<attempt>: a repeat of the same attempt is the same charge. A decline
   * stays PAYMENT_FAILED (attempt counted) and answers PAYMENT_FAILED with its decline code.
   */
  async retryPledgePayment(viewer: Viewer, id: string, paymentMethodId: string): Promise<PledgeEntity> {
    const pledge = await this.ownPledge(viewer, id);
    this.next(pledge.status, 'retry');
    const campaign = await this.queries.requireCampaign(pledge.campaignId);
    if (!retryWindowOpen(new Date(), campaign.retryWindowEndsAt)) {
      throw DomainError.conflict(
        `The window to fix this payment ended at ${campaign.retryWindowEndsAt?.toISOString() ?? 'the end of settlement'}; the pledge will be dropped`,
      );
    }
    const attempt = pledge.failedAttempts;
    const money = { amount: pledge.amount, currency: pledge.currency };
    let charge: { chargeId: string; customerId: string };
    try {
      charge = await this.payments.chargeNow({
        profileId: viewer.profileId,
        paymentMethodId,
        money,
        idempotencyKey: pledgeChargeKey(pledge.id, attempt),
        description: this.describe(campaign),
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PAYMENT_FAILED') {
        const declineCode = typeof error.extensions.declineCode === 'string' ? error.extensions.declineCode : 'card_declined';
        await this.dataSource.transaction(async (manager) => {
          const [updated] = await updateReturning<{ id: string }>(
            manager,
            `UPDATE funding.pledges SET failed_attempts = failed_attempts + 1, failure_reason = $3, payment_method_id = $4, updated_at = now()
              WHERE id = $1 AND status = 'PAYMENT_FAILED' AND failed_attempts = $2 RETURNING id`,
            [pledge.id, attempt, this.failureReason(error.message, declineCode), paymentMethodId],
          );
          if (updated) {
            await this.events.publish(
              {
                type: 'funding.pledge.payment_failed',
                pledgeId: pledge.id,
                campaignId: pledge.campaignId,
                backerId: pledge.backerId,
                declineCode,
                reason: error.message,
                requiresAction: Boolean(error.extensions.requiresAction),
              },
              manager,
            );
          }
        });
      }
      throw error;
    }

    const recorded = await this.dataSource.transaction(async (manager) => {
      const campaignNow = await lockCampaign(manager, pledge.campaignId, 'share');
      const next = this.next('PAYMENT_FAILED', 'collect');
      const [updated] = await updateReturning<{ id: string }>(
        manager,
        `UPDATE funding.pledges SET status = $3, charge_id = $4, collected_at = now(), failure_reason = NULL,
                customer_id = $5, payment_method_id = $6, updated_at = now()
          WHERE id = $1 AND status = 'PAYMENT_FAILED' AND failed_attempts = $2 RETURNING id`,
        [pledge.id, attempt, next, charge.chargeId, charge.customerId, paymentMethodId],
      );
      if (!updated) {
        const now = await manager.getRepository(PledgeEntity).findOneByOrFail({ id: pledge.id });
        // The same attempt, recorded by a concurrent request: the same charge, nothing to do.
        return now.status === 'COLLECTED' && now.chargeId === charge.chargeId;
      }
      await this.recordCollection(manager, { id: pledge.id, campaignId: pledge.campaignId, backerId: pledge.backerId, ...money });
      // Paid out with the campaign's payout if it is still to come, else by a payout of its own
      // as soon as possible (the payout job pays whatever collected money is still in escrow).
      const payoutDueAt = new Date(campaignNow.endedAt!.getTime() + this.config.campaignPayoutDelaySeconds * 1000);
      const runAt = new Date(Math.max(payoutDueAt.getTime(), Date.now()));
      await this.jobs.scheduleAt<CampaignJob>(
        PAY_OUT_CAMPAIGN_QUEUE,
        pledge.campaignId,
        runAt,
        { campaignId: pledge.campaignId },
        manager,
      );
      return true;
    });
    if (!recorded) {
      // The window closed (the pledge was dropped) while the card was being charged.
      await this.refundUnrecorded(charge.chargeId, money, pledgeRefundKey(pledge.id));
      throw DomainError.conflict(
        'The window to fix this payment closed while it was being charged: the charge was refunded and the pledge dropped',
      );
    }
    await this.progress.publish(pledge.campaignId);
    return this.requirePledge(id);
  }

  /**
   * ADMIN: COLLECTED -> REFUNDED with a reversing journal entry (escrow -X, external:stripe +X).
   * Money already paid out to the creator is not refunded: that would need a clawback.
   * The pledge is marked first, so no payout takes its money while the provider refunds it;
   * the provider key pledge:<id>:refund makes a repeated refund the same refund.
   */
  async refundPledge(id: string): Promise<PledgeEntity> {
    const pledge = await this.dataSource.transaction(async (manager) => {
      const pledge = await lockPledge(manager, id);
      this.next(pledge.status, 'refund');
      if (pledge.paidOutIn !== null) {
        throw DomainError.conflict(
          `This pledge's money was already paid out to the creator (payout ${pledge.paidOutIn} of the campaign); refunding it would need a clawback from the creator, which Foule does not do: settle it with the creator outside the platform`,
        );
      }
      if (!pledge.refundRequestedAt) await manager.getRepository(PledgeEntity).update({ id }, { refundRequestedAt: new Date() });
      return pledge;
    });
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
      const current = await lockPledge(manager, id);
      if (current.status !== 'COLLECTED') return; // a concurrent refund recorded it
      const next = this.next(current.status, 'refund');
      await manager.getRepository(PledgeEntity).update({ id }, { status: next, endedAt: new Date() });
      await this.payments.postJournalEntry(manager, {
        kind: 'pledge.refunded',
        reference: pledge.id,
        postings: [
          { account: LedgerAccounts.campaignEscrow(pledge.campaignId), amount: -pledge.amount, currency: pledge.currency },
          { account: LedgerAccounts.externalStripe, amount: pledge.amount, currency: pledge.currency },
        ],
      });
    });
    await this.progress.publish(pledge.campaignId);
    return this.requirePledge(id);
  }

  /** The journal entry of a collected pledge: the money came in through the provider into the campaign's escrow. */
  async recordCollection(
    manager: EntityManager,
    pledge: { id: string; campaignId: string; backerId: string; amount: number; currency: string },
  ): Promise<void> {
    await this.payments.postJournalEntry(manager, {
      kind: 'pledge.collected',
      reference: pledge.id,
      postings: [
        { account: LedgerAccounts.externalStripe, amount: -pledge.amount, currency: pledge.currency },
        { account: LedgerAccounts.campaignEscrow(pledge.campaignId), amount: pledge.amount, currency: pledge.currency },
      ],
    });
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

  failureReason(message: string, declineCode: string): string {
    return `${message} (${declineCode})`;
  }

  private async requirePledge(id: string): Promise<PledgeEntity> {
    const [pledge] = await this.queries.pledgesByIds([id]);
    if (!pledge) throw DomainError.notFound('Pledge', id);
    return pledge;
  }

  private async ownPledge(viewer: Viewer, id: string): Promise<PledgeEntity> {
    const pledge = isIdOf('pledge', id) ? await this.requirePledge(id) : null;
    if (!pledge) throw DomainError.notFound('Pledge', id);
    if (pledge.backerId !== viewer.profileId) throw DomainError.forbidden('Only the backer can change a pledge');
    return pledge;
  }

  /** Pledges are taken (and changed, and canceled) while the campaign is LIVE and before its deadline. */
  private assertTakingPledges(campaign: CampaignEntity): void {
    if (campaign.status !== 'LIVE') {
      const when = campaign.status === 'DRAFT' ? 'it has not been launched yet' : `it is ${campaign.status}`;
      throw DomainError.conflict(
        `This campaign takes no pledges: ${when}; pledges are made and changed only while a campaign is LIVE`,
      );
    }
    if (campaign.deadline.getTime() <= Date.now()) {
      throw DomainError.conflict(
        'This campaign reached its deadline and is being settled: pledges can no longer be made, changed or canceled',
      );
    }
  }

  private async tierOf(
    campaign: CampaignEntity,
    tierId: string,
    manager?: EntityManager,
    current = false,
  ): Promise<RewardTierEntity> {
    const [tier] = manager
      ? isIdOf('rewardTier', tierId)
        ? await manager.getRepository(RewardTierEntity).findBy({ id: tierId })
        : []
      : await this.queries.tiersByIds([tierId]);
    if (!tier || tier.campaignId !== campaign.id)
      throw DomainError.badField('tierId', 'is not a reward tier of this campaign; pick one of its rewardTiers');
    // A pledge may stay on a tier removed after it chose it, but nobody picks a removed tier.
    if (tier.removedAt && !current)
      throw DomainError.badField('tierId', 'this reward tier was removed by the creator; pick another one');
    return tier;
  }

  private assertAmount(campaign: CampaignEntity, amount: number, tier: RewardTierEntity | null): void {
    const problems = pledgeAmountProblems(amount, tier?.minimum ?? null, {
      oneMajorUnit: oneMajorUnit(campaign.currency),
      maxCharge: MAX_CHARGE_MINOR_UNITS,
    });
    if (problems.length) throw DomainError.badInput(problems);
  }

  /** One unit of a tier, or CONFLICT when none is left: an atomic conditional update, so concurrent pledges cannot oversell. */
  private async takeUnit(manager: EntityManager, tier: RewardTierEntity): Promise<void> {
    const [, taken]: [unknown, number] = await manager.query(
      `UPDATE funding.reward_tiers SET claimed = claimed + 1
        WHERE id = $1 AND (quantity_limit IS NULL OR claimed < quantity_limit)`,
      [tier.id],
    );
    if (taken !== 1) throw this.soldOut(tier);
  }

  private async giveUnitBack(manager: EntityManager, tierId: string): Promise<void> {
    await manager.query(`UPDATE funding.reward_tiers SET claimed = claimed - 1 WHERE id = $1 AND claimed > 0`, [tierId]);
  }

  private soldOut(tier: RewardTierEntity): DomainError {
    return DomainError.conflict(
      `The reward tier "${tier.title}" is sold out (all ${tier.quantityLimit} taken): choose another tier, or pledge without one`,
    );
  }

  private async refundUnrecorded(
    chargeId: string,
    money: { amount: number; currency: string },
    idempotencyKey: string,
  ): Promise<void> {
    try {
      await this.payments.refund({ chargeId, money, idempotencyKey });
    } catch (error) {
      this.logger.error(
        `charge ${chargeId} of ${money.amount} ${money.currency} was not recorded and could not be refunded: ${String(error)}`,
      );
    }
  }

  private next(status: PledgeStatus, event: PledgeEvent): PledgeStatus {
    const result = pledgeTransition(status, event);
    if (!result.ok) throw DomainError.conflict(result.reason);
    return result.next;
  }

  private describe(campaign: CampaignEntity): string {
    return `Pledge to "${campaign.title}" (${campaign.id})`;
  }
}
