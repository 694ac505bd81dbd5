/**
 * What creators do to their campaigns: create and edit them, their reward tiers and stretch
 * goals, launch, cancel, post updates. Each command checks who asks (only the creator), what
 * the campaign's state allows (campaign-status.machine), and the shape rules
 * (campaign-rules), then writes in one transaction under the campaign's row lock.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentsFacade, isProviderCurrency } from '@foule/payments';
import {
  APP_CONFIG,
  DomainError,
  JobScheduler,
  MAX_CHARGE_MINOR_UNITS,
  isIdOf,
  isUniqueViolation,
  newId,
  normalizeCurrency,
  oneMajorUnit,
  type AppConfig,
  type Viewer,
} from '@foule/shared';
import { FundingEvents } from '../funding-events';
import type { CampaignUpdateInput, CreateCampaignInput, RewardTierInput, StretchGoalInput, UpdateCampaignInput } from '../funding.inputs';
import { lockCampaign, releaseUnitsOfEndedPledges } from '../shared/locks';
import type { FieldProblem } from '../shared/field-problem';
import { SETTLE_CAMPAIGN_QUEUE, type CampaignJob } from '../settlement/settlement.queues';
import { CampaignProgress } from './campaign-progress';
import { CampaignQueries } from './campaign-queries.service';
import {
  categoryKey,
  deadlineProblem,
  goalProblem,
  slugWithSuffix,
  slugify,
  stretchGoalProblems,
  tierProblems,
  type MoneyLimits,
} from './campaign-rules';
import { campaignAllows, campaignTransition, type CampaignEvent } from './campaign-status.machine';
import { CampaignEntity, CampaignUpdateEntity, RewardTierEntity, StretchGoalEntity } from './campaign.entities';

@Injectable()
export class CampaignService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly jobs: JobScheduler,
    private readonly queries: CampaignQueries,
    private readonly progress: CampaignProgress,
    private readonly events: FundingEvents,
  ) {}

  async create(viewer: Viewer, input: CreateCampaignInput): Promise<CampaignEntity> {
    const problems: FieldProblem[] = [];
    const currency = this.campaignCurrency(input.goal.currency, problems);
    const goal = goalProblem(input.goal.amount);
    if (goal) problems.push(goal);
    const deadline = this.deadlineProblem(input.deadline);
    if (deadline) problems.push(deadline);
    if (problems.length) throw DomainError.badInput(problems);

    const base = slugify(input.title);
    for (let attempt = 0; ; attempt++) {
      const campaign = this.dataSource.getRepository(CampaignEntity).create({
        id: newId('campaign'),
        slug: attempt === 0 ? base : slugWithSuffix(base),
        title: input.title.trim(),
        blurb: input.blurb.trim(),
        description: input.description,
        category: input.category.trim(),
        categoryKey: categoryKey(input.category),
        creatorId: viewer.profileId,
        status: 'DRAFT',
        fundingModel: input.fundingModel ?? 'ALL_OR_NOTHING',
        goalAmount: input.goal.amount,
        currency: currency!,
        deadline: input.deadline,
        launchedAt: null,
        endedAt: null,
        cancelReason: null,
        chargesCompletedAt: null,
        retryWindowEndsAt: null,
        payoutsMade: 0,
        paidOutAmount: 0,
      });
      try {
        return await this.dataSource.getRepository(CampaignEntity).save(campaign);
      } catch (error) {
        // Another campaign has this slug: try again with a short random suffix.
        if (isUniqueViolation(error, 'campaigns_slug_key') && attempt < 5) continue;
        throw error;
      }
    }
  }

  async update(viewer: Viewer, id: string, input: UpdateCampaignInput): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.ownCampaign(manager, viewer, id);
      const changes: Partial<CampaignEntity> = {};
      if (input.title != null || input.blurb != null || input.description != null || input.category != null) {
        this.require(campaignAllows(campaign.status, 'editStory'));
        if (input.title != null) changes.title = input.title.trim();
        if (input.blurb != null) changes.blurb = input.blurb.trim();
        if (input.description != null) changes.description = input.description;
        if (input.category != null) Object.assign(changes, { category: input.category.trim(), categoryKey: categoryKey(input.category) });
      }
      if (input.goal != null || input.deadline != null) {
        this.require(campaignAllows(campaign.status, 'editFundingTerms'));
        const problems: FieldProblem[] = [];
        if (input.goal != null) {
          const currency = this.campaignCurrency(input.goal.currency, problems);
          const goal = goalProblem(input.goal.amount);
          if (goal) problems.push(goal);
          if (currency && currency !== campaign.currency && (await this.hasTermsInCurrency(manager, campaign.id))) {
            problems.push({
              path: 'goal.currency',
              message: `the campaign's reward tiers and stretch goals are in ${campaign.currency}: remove them before changing its currency`,
            });
          }
          changes.goalAmount = input.goal.amount;
          if (currency) changes.currency = currency;
        }
        if (input.deadline != null) {
          const deadline = this.deadlineProblem(input.deadline);
          if (deadline) problems.push(deadline);
          changes.deadline = input.deadline;
        }
        if (problems.length) throw DomainError.badInput(problems);
      }
      if (Object.keys(changes).length === 0) return campaign;
      await manager.getRepository(CampaignEntity).update({ id: campaign.id }, changes);
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
  }

  async addRewardTier(viewer: Viewer, campaignId: string, input: RewardTierInput): Promise<RewardTierEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.ownCampaign(manager, viewer, campaignId);
      this.require(campaignAllows(campaign.status, 'editTiers'));
      this.assertNoProblems(tierProblems({ minimum: input.minimum, limit: input.limit }, this.moneyLimits(campaign.currency)));
      return manager.getRepository(RewardTierEntity).save(
        manager.getRepository(RewardTierEntity).create({
          id: newId('rewardTier'),
          campaignId: campaign.id,
          title: input.title.trim(),
          description: input.description,
          minimum: input.minimum,
          quantityLimit: input.limit ?? null,
          claimed: 0,
          estimatedDelivery: input.estimatedDelivery ?? null,
          removedAt: null,
        }),
      );
    });
  }

  /**
   * After launch a tier's terms may change only as far as its backers' pledges allow: the
   * minimum not above any live pledge on it, the limit not below the units taken. The
   * campaign's FOR UPDATE lock keeps pledges from moving while this checks.
   */
  async updateRewardTier(viewer: Viewer, tierId: string, input: RewardTierInput): Promise<RewardTierEntity> {
    return this.dataSource.transaction(async (manager) => {
      const tier = await this.liveTier(manager, tierId);
      const campaign = await this.ownCampaign(manager, viewer, tier.campaignId);
      this.require(campaignAllows(campaign.status, 'editTiers'));
      const [{ lowest }] = await manager.query<{ lowest: string | null }[]>(
        `SELECT min(amount) AS lowest FROM funding.pledges WHERE tier_id = $1 AND status IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED')`,
        [tier.id],
      );
      const claimed = (await manager.getRepository(RewardTierEntity).findOneByOrFail({ id: tier.id })).claimed;
      this.assertNoProblems(
        tierProblems({ minimum: input.minimum, limit: input.limit }, this.moneyLimits(campaign.currency), {
          claimed,
          lowestPledge: lowest === null ? null : Number(lowest),
        }),
      );
      await manager.getRepository(RewardTierEntity).update(
        { id: tier.id },
        {
          title: input.title.trim(),
          description: input.description,
          minimum: input.minimum,
          quantityLimit: input.limit ?? null,
          estimatedDelivery: input.estimatedDelivery ?? null,
        },
      );
      return manager.getRepository(RewardTierEntity).findOneByOrFail({ id: tier.id });
    });
  }

  /** A tier nobody holds is hidden from the campaign (kept for the pledges that once chose it). */
  async removeRewardTier(viewer: Viewer, tierId: string): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const tier = await this.liveTier(manager, tierId);
      const campaign = await this.ownCampaign(manager, viewer, tier.campaignId);
      this.require(campaignAllows(campaign.status, 'editTiers'));
      const { claimed } = await manager.getRepository(RewardTierEntity).findOneByOrFail({ id: tier.id });
      if (claimed > 0) {
        throw DomainError.conflict(
          `${claimed} backer${claimed === 1 ? '' : 's'} chose this tier, so it cannot be removed; to stop new pledges on it, set its limit to ${claimed} (updateRewardTier)`,
        );
      }
      await manager.getRepository(RewardTierEntity).update({ id: tier.id }, { removedAt: new Date() });
      return campaign;
    });
  }

  async addStretchGoal(viewer: Viewer, campaignId: string, input: StretchGoalInput): Promise<StretchGoalEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.ownCampaign(manager, viewer, campaignId);
      this.require(campaignAllows(campaign.status, 'addStretchGoal'));
      this.assertNoProblems(stretchGoalProblems(input.target, campaign.goalAmount));
      return manager.getRepository(StretchGoalEntity).save(
        manager.getRepository(StretchGoalEntity).create({
          id: newId('stretchGoal'),
          campaignId: campaign.id,
          title: input.title.trim(),
          description: input.description,
          target: input.target,
        }),
      );
    });
  }

  /**
   * DRAFT -> LIVE: the creator can be paid (a payout account with payouts enabled) and the
   * deadline is still within bounds from now. The settlement job is written in the same
   * transaction, for the deadline: it exists if and only if the campaign went live.
   */
  async launch(viewer: Viewer, id: string): Promise<CampaignEntity> {
    const campaign = await this.dataSource.transaction(async (manager) => {
      const campaign = await this.ownCampaign(manager, viewer, id);
      const next = this.transition(campaign.status, 'launch');
      if (!(await this.payments.payoutsEnabled(campaign.creatorId))) {
        throw DomainError.conflict(
          'Launching needs a payout account with payouts enabled, so that the funds can reach you: call connectPayoutAccount(country) and finish its onboarding, then launch again',
        );
      }
      const deadline = this.deadlineProblem(campaign.deadline);
      if (deadline) {
        throw DomainError.badInput(
          [{ path: 'deadline', message: `${deadline.message} (updateCampaign) before launching` }],
          `The deadline ${deadline.message}`,
        );
      }
      await manager.getRepository(CampaignEntity).update({ id: campaign.id }, { status: next, launchedAt: new Date() });
      await this.jobs.scheduleAt<CampaignJob>(SETTLE_CAMPAIGN_QUEUE, campaign.id, campaign.deadline, { campaignId: campaign.id }, manager);
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
    await this.progress.publish(campaign.id);
    return campaign;
  }

  /**
   * DRAFT|LIVE -> CANCELED. Waiting pledges are canceled and their units released; nobody is
   * charged. A flexible campaign that has collected money is not canceled here: its backers
   * would have to be refunded first (refundPledge, by an admin).
   */
  async cancel(viewer: Viewer, id: string, reason: string | null | undefined): Promise<CampaignEntity> {
    const campaign = await this.dataSource.transaction(async (manager) => {
      const campaign = await this.ownCampaign(manager, viewer, id);
      const next = this.transition(campaign.status, 'cancel');
      const totals = (await this.queries.totals([campaign.id], manager)).get(campaign.id)!;
      if (totals.collected > 0) {
        throw DomainError.conflict(
          `This campaign has collected ${totals.collected} minor units from its backers; canceling would have to refund them: let it end at its deadline, or have an admin refund the pledges (refundPledge) first`,
        );
      }
      await manager.query(
        `UPDATE funding.pledges SET status = 'CANCELED', ended_at = now(), updated_at = now() WHERE campaign_id = $1 AND status = 'PENDING'`,
        [campaign.id],
      );
      await releaseUnitsOfEndedPledges(manager, campaign.id);
      await manager
        .getRepository(CampaignEntity)
        .update({ id: campaign.id }, { status: next, endedAt: new Date(), cancelReason: reason?.trim() ? reason.trim().slice(0, 1000) : null });
      await this.events.publish({ type: 'funding.campaign.ended', campaignId: campaign.id, creatorId: campaign.creatorId, status: 'CANCELED' }, manager);
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
    await this.progress.publish(campaign.id);
    return campaign;
  }

  async postUpdate(viewer: Viewer, campaignId: string, input: CampaignUpdateInput): Promise<CampaignUpdateEntity> {
    const campaign = await this.ownCampaign(this.dataSource.manager, viewer, campaignId, false);
    this.require(campaignAllows(campaign.status, 'postUpdate'));
    const repository = this.dataSource.getRepository(CampaignUpdateEntity);
    return repository.save(
      repository.create({
        id: newId('campaignUpdate'),
        campaignId: campaign.id,
        authorId: viewer.profileId,
        title: input.title.trim(),
        body: input.body,
        backersOnly: input.backersOnly ?? false,
      }),
    );
  }

  /** The campaign, locked FOR UPDATE, when the viewer is its creator; FORBIDDEN for anyone else. */
  private async ownCampaign(manager: EntityManager, viewer: Viewer, id: string, lock = true): Promise<CampaignEntity> {
    const campaign = lock ? await lockCampaign(manager, id, 'update') : await this.queries.requireCampaign(id, manager);
    if (campaign.creatorId !== viewer.profileId) throw DomainError.forbidden('Only the creator of a campaign can change it');
    return campaign;
  }

  private async liveTier(manager: EntityManager, tierId: string): Promise<RewardTierEntity> {
    const tier = isIdOf('rewardTier', tierId) ? await manager.getRepository(RewardTierEntity).findOneBy({ id: tierId }) : null;
    if (!tier || tier.removedAt) throw DomainError.notFound('Reward tier', tierId);
    return tier;
  }

  private async hasTermsInCurrency(manager: EntityManager, campaignId: string): Promise<boolean> {
    const rows = await manager.query(
      `SELECT 1 FROM funding.reward_tiers WHERE campaign_id = $1 AND removed_at IS NULL UNION ALL SELECT 1 FROM funding.stretch_goals WHERE campaign_id = $1 LIMIT 1`,
      [campaignId],
    );
    return rows.length > 0;
  }

  /** An ISO-4217 currency the provider charges in, upper-cased; a problem on goal.currency otherwise. */
  private campaignCurrency(code: string, problems: FieldProblem[]): string | null {
    let currency: string;
    try {
      currency = normalizeCurrency(code, 'goal.currency');
    } catch (error) {
      if (error instanceof DomainError) problems.push(...((error.extensions.fields as FieldProblem[]) ?? []));
      return null;
    }
    if (!isProviderCurrency(currency)) {
      problems.push({ path: 'goal.currency', message: `${currency} is not a currency the payment provider can charge in; choose another (e.g. EUR, USD)` });
      return null;
    }
    return currency;
  }

  private deadlineProblem(deadline: Date): FieldProblem | null {
    return deadlineProblem(deadline, new Date(), {
      minSeconds: this.config.campaignMinDurationSeconds,
      maxSeconds: this.config.campaignMaxDurationSeconds,
    });
  }

  private moneyLimits(currency: string): MoneyLimits {
    return { oneMajorUnit: oneMajorUnit(currency), maxCharge: MAX_CHARGE_MINOR_UNITS };
  }

  private assertNoProblems(problems: FieldProblem[]): void {
    if (problems.length) throw DomainError.badInput(problems);
  }

  private transition(status: CampaignEntity['status'], event: CampaignEvent) {
    const result = campaignTransition(status, event);
    if (!result.ok) throw DomainError.conflict(result.reason);
    return result.next;
  }

  private require(result: ReturnType<typeof campaignAllows>): void {
    if (!result.ok) throw DomainError.conflict(result.reason);
  }
}

