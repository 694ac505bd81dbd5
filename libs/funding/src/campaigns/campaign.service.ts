/**
 * What creators do to their campaigns: create and edit them, their reward tiers and stretch
 * goals, launch, cancel, post updates. Each command checks who asks (only the creator), what
 * the campaign's state allows (campaign-status.machine), and the shape rules
 * (campaign-rules), then writes in one transaction under the campaign's row lock.
 */
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
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
import type { AddOnInput, CampaignUpdateInput, CreateCampaignInput, RewardTierInput, StretchGoalInput, UpdateCampaignInput } from '../funding.inputs';
import type { FieldProblem } from '../shared/field-problem';
import { SETTLE_CAMPAIGN_QUEUE, type CampaignJob } from '../shared/funding-queues';
import { PledgeGate } from '../pledges/pledge-gate';
import { LIVE_PLEDGE_STATUSES_SQL } from '../pledges/pledge-status.machine';
import { CampaignProgress } from './campaign-progress';
import { CampaignQueries, canSeeCampaign } from './campaign-queries.service';
import {
  addOnProblems,
  categoryKey,
  deadlineProblem,
  goalProblem,
  slugWithSuffix,
  slugify,
  stretchGoalProblems,
  tierProblems,
  type MoneyLimits,
} from './campaign-rules';
import { CampaignGate } from './campaign-gate';
import type { CampaignPermission } from './campaign-permissions';
import { campaignAllows } from './campaign-status.machine';
import { AddOnEntity, CampaignEntity, CampaignUpdateEntity, RewardTierEntity, SecretRewardRevealEntity, StretchGoalEntity } from './campaign.entities';
import { campaignPaymentTermsProblems, latePledgeMinimumProblem } from '../pledges/payment-plan';

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
    problems.push(...campaignPaymentTermsProblems(input));
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
        secretRewardToken: randomBytes(24).toString('base64url'),
        pledgeOverTime: input.pledgeOverTime ?? false,
        pledgeOverTimeMinimum: input.pledgeOverTimeMinimum || null,
        latePledgeDays: input.latePledgeDays ?? 0,
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
      const campaign = await this.teamCampaign(manager, viewer, id, 'edit');
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
      if (input.pledgeOverTime != null || input.pledgeOverTimeMinimum !== undefined || input.latePledgeDays != null) {
        // Pledge over time is a term backers pledge under: set before launch. Late pledges may be added while LIVE.
        if (input.pledgeOverTime != null || input.pledgeOverTimeMinimum !== undefined) this.require(campaignAllows(campaign.status, 'editFundingTerms'));
        else if (campaign.status !== 'DRAFT' && campaign.status !== 'LIVE') {
          throw DomainError.conflict(`latePledgeDays may be changed while a campaign is DRAFT or LIVE; this one is ${campaign.status}`);
        }
        this.assertNoProblems(campaignPaymentTermsProblems(input));
        if (input.pledgeOverTime != null) changes.pledgeOverTime = input.pledgeOverTime;
        if (input.pledgeOverTimeMinimum !== undefined) changes.pledgeOverTimeMinimum = input.pledgeOverTimeMinimum || null;
        if (input.latePledgeDays != null) changes.latePledgeDays = input.latePledgeDays;
      }
      if (Object.keys(changes).length === 0) return campaign;
      await manager.getRepository(CampaignEntity).update({ id: campaign.id }, changes);
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
  }

  async addRewardTier(viewer: Viewer, campaignId: string, input: RewardTierInput): Promise<RewardTierEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.teamCampaign(manager, viewer, campaignId, 'edit');
      this.require(campaignAllows(campaign.status, 'editTiers'));
      this.assertNoProblems(this.tierTermsProblems(input, this.moneyLimits(campaign.currency)));
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
          secret: input.secret ?? false,
          latePledgeMinimum: input.latePledgeMinimum ?? null,
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
      const campaign = await this.teamCampaign(manager, viewer, tier.campaignId, 'edit');
      this.require(campaignAllows(campaign.status, 'editTiers'));
      const [{ lowest }] = await manager.query<{ lowest: string | null }[]>(
        `SELECT min(amount) AS lowest FROM funding.pledges WHERE tier_id = $1 AND status IN ${LIVE_PLEDGE_STATUSES_SQL}`,
        [tier.id],
      );
      const claimed = (await manager.getRepository(RewardTierEntity).findOneByOrFail({ id: tier.id })).claimed;
      this.assertNoProblems([
        ...tierProblems({ minimum: input.minimum, limit: input.limit }, this.moneyLimits(campaign.currency), {
          claimed,
          lowestPledge: lowest === null ? null : Number(lowest),
        }),
        ...[latePledgeMinimumProblem(input.minimum, input.latePledgeMinimum)].filter((problem) => problem !== null),
      ]);
      await manager.getRepository(RewardTierEntity).update(
        { id: tier.id },
        {
          title: input.title.trim(),
          description: input.description,
          minimum: input.minimum,
          quantityLimit: input.limit ?? null,
          estimatedDelivery: input.estimatedDelivery ?? null,
          secret: input.secret ?? false,
          latePledgeMinimum: input.latePledgeMinimum ?? null,
        },
      );
      return manager.getRepository(RewardTierEntity).findOneByOrFail({ id: tier.id });
    });
  }

  /** A tier nobody holds is hidden from the campaign (kept for the pledges that once chose it). */
  async removeRewardTier(viewer: Viewer, tierId: string): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const tier = await this.liveTier(manager, tierId);
      const campaign = await this.teamCampaign(manager, viewer, tier.campaignId, 'edit');
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

  async addAddOn(viewer: Viewer, campaignId: string, input: AddOnInput): Promise<AddOnEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.teamCampaign(manager, viewer, campaignId, 'edit');
      this.require(campaignAllows(campaign.status, 'editTiers'));
      const tierIds = await this.addOnTerms(manager, campaign, input, 0);
      return manager.getRepository(AddOnEntity).save(
        manager.getRepository(AddOnEntity).create({
          id: newId('addOn'),
          campaignId: campaign.id,
          title: input.title.trim(),
          description: input.description,
          price: input.price,
          quantityLimit: input.limit ?? null,
          claimed: 0,
          maxPerPledge: input.maxPerPledge ?? 10,
          tierIds,
          removedAt: null,
        }),
      );
    });
  }

  /**
   * Once backers hold units, an add-on's price is what they pledged for and its limit cannot
   * go below what they hold; the campaign's FOR UPDATE lock keeps pledges still meanwhile.
   */
  async updateAddOn(viewer: Viewer, addOnId: string, input: AddOnInput): Promise<AddOnEntity> {
    return this.dataSource.transaction(async (manager) => {
      const addOn = await this.liveAddOn(manager, addOnId);
      const campaign = await this.teamCampaign(manager, viewer, addOn.campaignId, 'edit');
      this.require(campaignAllows(campaign.status, 'editTiers'));
      const { claimed, price } = await manager.getRepository(AddOnEntity).findOneByOrFail({ id: addOn.id });
      if (claimed > 0 && input.price !== price) {
        throw DomainError.badField('price', `backers hold ${claimed} unit(s) at ${price} minor units: the price cannot change once pledged; add a new add-on instead`);
      }
      const tierIds = await this.addOnTerms(manager, campaign, input, claimed);
      await manager.getRepository(AddOnEntity).update(
        { id: addOn.id },
        {
          title: input.title.trim(),
          description: input.description,
          price: input.price,
          quantityLimit: input.limit ?? null,
          maxPerPledge: input.maxPerPledge ?? 10,
          tierIds,
        },
      );
      return manager.getRepository(AddOnEntity).findOneByOrFail({ id: addOn.id });
    });
  }

  /** Refused while a live pledge holds it; else hidden from the campaign, kept for the pledges that once held it. */
  async removeAddOn(viewer: Viewer, addOnId: string): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const addOn = await this.liveAddOn(manager, addOnId);
      const campaign = await this.teamCampaign(manager, viewer, addOn.campaignId, 'edit');
      this.require(campaignAllows(campaign.status, 'editTiers'));
      const { claimed } = await manager.getRepository(AddOnEntity).findOneByOrFail({ id: addOn.id });
      if (claimed > 0) {
        throw DomainError.conflict(
          `Backers hold ${claimed} unit(s) of this add-on, so it cannot be removed; to stop new pledges taking it, set its limit to ${claimed} (updateAddOn)`,
        );
      }
      await manager.getRepository(AddOnEntity).update({ id: addOn.id }, { removedAt: new Date() });
      return campaign;
    });
  }

  async addStretchGoal(viewer: Viewer, campaignId: string, input: StretchGoalInput): Promise<StretchGoalEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.teamCampaign(manager, viewer, campaignId, 'edit');
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
      const campaign = await this.teamCampaign(manager, viewer, id, 'launch');
      CampaignGate.check(campaign.status, 'launch');
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
      await CampaignGate.transition(manager, campaign, 'launch', { launchedAt: new Date() });
      // Its followers hear of it (CAMPAIGN_LAUNCHED) if and only if it launched.
      await this.events.publish({ type: 'funding.campaign.launched', campaignId: campaign.id, creatorId: campaign.creatorId }, manager);
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
      const campaign = await this.teamCampaign(manager, viewer, id, 'cancel');
      CampaignGate.check(campaign.status, 'cancel');
      const totals = (await this.queries.totals([campaign.id], manager)).get(campaign.id)!;
      if (totals.collected > 0) {
        throw DomainError.conflict(
          `This campaign has collected ${totals.collected} minor units from its backers; canceling would have to refund them: let it end at its deadline, or have an admin refund the pledges (refundPledge) first`,
        );
      }
      await PledgeGate.cancelPending(manager, campaign.id);
      await CampaignGate.transition(manager, campaign, 'cancel', {
        endedAt: new Date(),
        cancelReason: reason?.trim() || null,
      });
      await this.events.publish({ type: 'funding.campaign.ended', campaignId: campaign.id, creatorId: campaign.creatorId, status: 'CANCELED' }, manager);
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
    await this.progress.publish(campaign.id);
    return campaign;
  }

  async postUpdate(viewer: Viewer, campaignId: string, input: CampaignUpdateInput): Promise<CampaignUpdateEntity> {
    const campaign = await this.teamCampaign(this.dataSource.manager, viewer, campaignId, 'postUpdate', false);
    this.require(campaignAllows(campaign.status, 'postUpdate'));
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CampaignUpdateEntity);
      const update = await repository.save(
        repository.create({
          id: newId('campaignUpdate'),
          campaignId: campaign.id,
          authorId: viewer.profileId,
          title: input.title.trim(),
          body: input.body,
          backersOnly: input.backersOnly ?? false,
        }),
      );
      await this.events.publish(
        { type: 'funding.update.posted', updateId: update.id, campaignId: campaign.id, authorId: viewer.profileId, title: update.title, backersOnly: update.backersOnly },
        manager,
      );
      return update;
    });
  }

  /**
   * The secret rewards link: with the campaign's token, the viewer sees and may pledge its
   * secret tiers from now on. A wrong token is NOT_FOUND, as for a campaign the viewer may
   * not see, so the answer tells nothing about the token.
   */
  async revealSecretRewards(viewer: Viewer, campaignId: string, token: string): Promise<CampaignEntity> {
    const campaign = await this.queries.requireCampaign(campaignId);
    const expected = Buffer.from(campaign.secretRewardToken);
    const given = Buffer.from(token);
    if (!canSeeCampaign(await this.queries.relationOf(viewer, campaign), campaign) || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw DomainError.notFound('Secret rewards of campaign', campaignId);
    }
    await this.dataSource
      .getRepository(SecretRewardRevealEntity)
      .createQueryBuilder()
      .insert()
      .values({ campaignId: campaign.id, profileId: viewer.profileId })
      .orIgnore()
      .execute();
    return campaign;
  }

  private tierTermsProblems(input: RewardTierInput, limits: MoneyLimits): FieldProblem[] {
    const late = latePledgeMinimumProblem(input.minimum, input.latePledgeMinimum);
    return [...tierProblems({ minimum: input.minimum, limit: input.limit }, limits), ...(late ? [late] : [])];
  }

  /**
   * The campaign, locked FOR UPDATE, when the viewer may `permission` on it (the creator, or a
   * collaborator whose role allows it: campaign-permissions.ts); FORBIDDEN for anyone else.
   */
  private async teamCampaign(manager: EntityManager, viewer: Viewer, id: string, permission: CampaignPermission, lock = true): Promise<CampaignEntity> {
    const campaign = lock ? await CampaignGate.lock(manager, id, 'update') : await this.queries.requireCampaign(id, manager);
    await this.queries.requirePermission(viewer, campaign, permission, manager);
    return campaign;
  }

  private async liveTier(manager: EntityManager, tierId: string): Promise<RewardTierEntity> {
    const tier = isIdOf('rewardTier', tierId) ? await manager.getRepository(RewardTierEntity).findOneBy({ id: tierId }) : null;
    if (!tier || tier.removedAt) throw DomainError.notFound('Reward tier', tierId);
    return tier;
  }

  private async liveAddOn(manager: EntityManager, addOnId: string): Promise<AddOnEntity> {
    const addOn = isIdOf('addOn', addOnId) ? await manager.getRepository(AddOnEntity).findOneBy({ id: addOnId }) : null;
    if (!addOn || addOn.removedAt) throw DomainError.notFound('Add-on', addOnId);
    return addOn;
  }

  /** An add-on's terms checked (BAD_USER_INPUT with every problem), and its tier ids, each a tier of the campaign. */
  private async addOnTerms(manager: EntityManager, campaign: CampaignEntity, input: AddOnInput, claimed: number): Promise<string[]> {
    const problems = addOnProblems({ price: input.price, limit: input.limit, maxPerPledge: input.maxPerPledge ?? 10 }, this.moneyLimits(campaign.currency), claimed);
    const tierIds = [...new Set(input.tierIds ?? [])];
    const tiers = tierIds.length
      ? await manager.getRepository(RewardTierEntity).findBy({ campaignId: campaign.id, id: In(tierIds.filter((id) => isIdOf('rewardTier', id))) })
      : [];
    (input.tierIds ?? []).forEach((id, index) => {
      if (!tiers.some((tier) => tier.id === id && !tier.removedAt)) {
        problems.push({ path: `tierIds.${index}`, message: 'is not a reward tier of this campaign' });
      }
    });
    this.assertNoProblems(problems);
    return tierIds;
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

  private require(result: ReturnType<typeof campaignAllows>): void {
    if (!result.ok) throw DomainError.conflict(result.reason);
  }
}

