/**
 * A backer pledges, changes and cancels a pledge (retrying a failed payment and an admin's
 * refund are their own services beside this one). Money moves only through the
 * PaymentsFacade, with provider keys derived from the client's idempotency key, so a retried
 * request never charges twice; every state change is one transaction, through the pledge
 * gate, with its journal entry when money moves. Tier units are taken with an atomic
 * conditional UPDATE inside the pledge's transaction, so a limited tier never oversells.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentsFacade, type OneTransactionRun } from '@foule/payments';
import { APP_CONFIG, DomainError, MAX_CHARGE_MINOR_UNITS, type AppConfig, isIdOf, isUniqueViolation, newId, oneMajorUnit, type Viewer } from '@foule/shared';
import { CampaignGate } from '../campaigns/campaign-gate';
import { CampaignProgress } from '../campaigns/campaign-progress';
import { CampaignQueries, canSeeSecretTiers } from '../campaigns/campaign-queries.service';
import { pledgeAddOnProblems, pledgeAmountProblems, type PledgeAddOnLine } from '../campaigns/campaign-rules';
import { RewardTierEntity, type AddOnEntity, type CampaignEntity } from '../campaigns/campaign.entities';
import { FundingEvents } from '../funding-events';
import type { PledgeInput, UpdatePledgeInput } from '../funding.inputs';
import { PledgeCollection } from '../pledges/pledge-collection';
import { IncrementGate } from '../pledges/increment-gate';
import { incrementDueAt, latePledgesUntil, pledgeOverTimeProblems, splitIntoIncrements, tierMinimumFor } from '../pledges/payment-plan';
import { PledgeAddOnEntity, PledgeEntity, PledgeIncrementEntity } from '../pledges/pledge.entity';
import { PledgeGate } from '../pledges/pledge-gate';
import { chargeDescription } from '../pledges/pledge-rules';
import type { PledgeStatus } from '../pledges/pledge-status.machine';
import { ownPledge, refundUnrecorded, requirePledge } from './backer-pledges';

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
    private readonly queries: CampaignQueries,
    private readonly progress: CampaignProgress,
    private readonly collection: PledgeCollection,
    private readonly events: FundingEvents,
  ) {}

  /**
   * A pledge, once per idempotency key. ALL_OR_NOTHING: the card is saved for the deadline
   * (declined: PAYMENT_FAILED, no pledge) and the pledge waits PENDING. FLEXIBLE: the card
   * is charged now (declined: PAYMENT_FAILED, no pledge) and the pledge is COLLECTED with its
   * journal entry, in the transaction that creates it.
   */
  async pledge(viewer: Viewer, input: PledgeInput): Promise<PledgeEntity> {
    // The pledge this request made; a replay answers the stored receipt's pledge instead.
    let made: PledgeEntity | undefined;
    const receipt = await this.payments.runIdempotentInOneTransaction<PledgeReceipt>(
      { profileId: viewer.profileId, operation: 'funding.pledge', key: input.idempotencyKey, request: { ...input } },
      async (run) => {
        made = await this.makePledge(viewer, input, run);
        return { pledgeId: made.id };
      },
    );
    return made?.id === receipt.pledgeId ? made : requirePledge(this.queries, receipt.pledgeId);
  }

  /**
   * The pledge, in as few statements as keep every guarantee: one read of what it checks, the
   * provider's call, then one transaction that writes the idempotency key (first, so a
   * concurrent request with the key waits on it), locks the campaign, takes the tier's unit and
   * inserts the pledge in one statement, and records what follows; nothing is read back.
   */
  private async makePledge(viewer: Viewer, input: PledgeInput, run: OneTransactionRun): Promise<PledgeEntity> {
    // One read: the campaign, the backer's live pledge on it and the chosen tier.
    const context = await this.queries.forNewPledge(input.campaignId, viewer.profileId, input.tierId ?? null);
    const campaign = context.campaign;
    // FORBIDDEN rather than BAD_USER_INPUT: nothing in the input could make it right; it is who asks.
    if (campaign.creatorId === viewer.profileId) throw DomainError.forbidden('A creator cannot back their own campaign');
    const late = this.assertTakingNewPledges(campaign);
    // Checked again by the unique index at insert; checked here so no card is saved for nothing.
    if (context.livePledgeId)
      throw DomainError.conflict(`You already back this campaign (pledge ${context.livePledgeId}): change it with updatePledge instead`);
    const tier = input.tierId ? await this.checkTier(viewer, campaign, input.tierId, context.tier) : null;
    if (tier && tier.quantityLimit !== null && tier.claimed >= tier.quantityLimit) throw PledgeGate.soldOut(tier);
    const addOnLines = input.addOns ?? [];
    // Without add-on lines there is nothing to check them against.
    const offered = addOnLines.length ? await this.queries.addOnsOfCampaigns([campaign.id]) : [];
    const overTime = input.paymentPlan === 'PLEDGE_OVER_TIME';
    this.assertAmount(campaign, input.amount, tier, addOnLines, offered, late, overTime);

    // Provider keys come from the client's idempotency key, so a retry of this request after
    // a crash makes the same provider request (the same saved card, the same charge).
    const requestKey = `pledge-request:${hash('sha256', `${viewer.profileId}\u0000${input.idempotencyKey}`, 'hex').slice(0, 40)}`;
    const pledgeId = newId('pledge');
    const money = { amount: input.amount, currency: campaign.currency };
    // A pledge over time: its payments, the first charged when the pledge would be charged in full.
    const parts = overTime ? splitIntoIncrements(input.amount, this.config.pledgeOverTimeIncrements) : null;
    const chargedNow = { amount: parts ? parts[0] : input.amount, currency: campaign.currency };
    let card: { customerId: string; paymentMethodId: string };
    let chargeId: string | null = null;
    // FLEXIBLE and late pledges are charged at once (the first payment of a pledge over time);
    // ALL_OR_NOTHING ones save the card for the deadline.
    if (campaign.fundingModel === 'FLEXIBLE' || late) {
      // A charge now may have to be refunded if the pledge is then refused: only one request
      // with this key may do that, so the key is held first.
      await run.hold();
      const charge = await this.payments.chargeNow({
        profileId: viewer.profileId,
        paymentMethodId: input.paymentMethodId,
        money: chargedNow,
        idempotencyKey: `${requestKey}:charge`,
        description: chargeDescription(campaign),
        knownCustomerId: run.customerId,
      });
      card = { customerId: charge.customerId, paymentMethodId: input.paymentMethodId };
      chargeId = charge.chargeId;
    } else {
      card = await this.payments.saveCard({
        profileId: viewer.profileId,
        paymentMethodId: input.paymentMethodId,
        idempotencyKey: `${requestKey}:card`,
        knownCustomerId: run.customerId,
      });
    }

    let made: PledgeEntity;
    try {
      made = await this.dataSource.transaction(async (manager) => {
        // First: a concurrent request with this key waits here, then answers what this one stored.
        await run.complete(manager, { pledgeId } satisfies PledgeReceipt);
        // The creator's notice before the tier's unit is taken: it needs nothing the pledge's
        // insert returns, commits or rolls back with it, and so the tier's row (which every
        // concurrent pledge on the tier waits for) stays locked only from the unit's statement
        // to COMMIT, not through the notice's two statements as well.
        await this.events.publish(
          {
            type: 'funding.pledge.created',
            pledgeId,
            campaignId: campaign.id,
            backerId: viewer.profileId,
            ...money,
            campaign: { title: campaign.title, creatorId: campaign.creatorId },
          },
          manager,
        );
        const status: PledgeStatus = chargeId ? 'COLLECTED' : 'PENDING';
        let pledge: PledgeEntity;
        try {
          pledge = await PledgeGate.create(
            manager,
            {
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
              paymentPlan: overTime ? 'PLEDGE_OVER_TIME' : 'PAY_IN_FULL',
              late,
            },
            tier,
            (locked) => {
              if (this.assertTakingNewPledges({ ...campaign, ...locked, status: locked.status as CampaignEntity['status'] }) !== late)
                throw DomainError.conflict('This campaign ended while the pledge was being made: try again');
            },
          );
        } catch (error) {
          if (isUniqueViolation(error, 'pledges_one_live_per_backer')) {
            throw DomainError.conflict('You already back this campaign: change your pledge with updatePledge instead');
          }
          throw error;
        }
        await this.moveAddOnUnits(manager, offered, [], addOnLines);
        if (addOnLines.length) await manager.getRepository(PledgeAddOnEntity).insert(addOnLines.map((line) => ({ pledgeId, addOnId: line.addOnId, quantity: line.quantity })));
        if (parts) await this.insertPayments(manager, pledgeId, campaign, parts, chargeId);
        if (chargeId) {
          await this.collection.recordCollected(manager, {
            id: pledgeId,
            campaignId: campaign.id,
            backerId: viewer.profileId,
            ...chargedNow,
            ...(parts ? { increment: { number: 1, failedAttempts: 0 } } : {}),
          });
          if (parts) await this.collection.scheduleLaterPayments(manager, pledgeId, new Date());
          // A late pledge's money goes out in the creator's next payout.
          if (late) await this.collection.schedulePayout(manager, campaign.id);
        }
        return pledge;
      });
    } catch (error) {
      // A flexible pledge was charged but refused here (sold out, already a backer): give the
      // money back at once. Unexpected errors keep the charge: the retry of this request
      // replays the same charge and records it.
      if (chargeId && error instanceof DomainError)
        await refundUnrecorded(this.payments, this.logger, { chargeId, money: chargedNow, idempotencyKey: `${requestKey}:refund` });
      throw error;
    }
    await this.progress.publish(campaign.id);
    return made;
  }

  /** Tier, amount or card, before the deadline, by the backer. Moving tiers gives the old unit back and takes a new one, atomically. */
  async updatePledge(viewer: Viewer, id: string, input: UpdatePledgeInput): Promise<PledgeEntity> {
    const pledge = await ownPledge(this.queries, viewer, id);
    const campaign = await this.queries.requireCampaign(pledge.campaignId);
    const onlyCard = input.paymentMethodId != null && input.tierId === undefined && input.amount == null && input.addOns == null;
    if (pledge.paymentPlan === 'PLEDGE_OVER_TIME' && pledge.status !== 'PENDING' && onlyCard) return this.changeCard(viewer, pledge, input.paymentMethodId!);
    if (campaign.fundingModel === 'FLEXIBLE') {
      throw DomainError.conflict(
        'A flexible pledge was charged when it was made and cannot be changed; ask an admin for a refund if it was a mistake',
      );
    }
    PledgeGate.check(pledge.status, 'change');
    this.assertTakingPledges(campaign);
    const card = input.paymentMethodId
      ? await this.payments.saveCard({
          profileId: viewer.profileId,
          paymentMethodId: input.paymentMethodId,
          idempotencyKey: `pledge:${pledge.id}:card:${randomUUID()}`,
        })
      : null;

    await this.dataSource.transaction(async (manager) => {
      const locked = await CampaignGate.lock(manager, campaign.id, 'share');
      this.assertTakingPledges(locked);
      const current = await PledgeGate.lock(manager, id);
      PledgeGate.check(current.status, 'change');
      const tierId = input.tierId === undefined ? current.tierId : input.tierId;
      const tier = tierId ? await this.tierOf(viewer, locked, tierId, manager, current.tierId === tierId) : null;
      const amount = input.amount ?? current.amount;
      const currentLines = await this.queries.addOnLinesOfPledges([current.id], manager);
      const addOnLines = input.addOns ?? currentLines;
      const offered = await this.queries.addOnsOfCampaigns([locked.id], manager);
      const overTime = current.paymentPlan === 'PLEDGE_OVER_TIME';
      this.assertAmount(locked, amount, tier, addOnLines, offered, false, overTime);
      if (overTime && amount !== current.amount) {
        // Nothing is charged before the deadline: the payments are split again.
        await manager.getRepository(PledgeIncrementEntity).delete({ pledgeId: current.id });
        await this.insertPayments(manager, current.id, locked, splitIntoIncrements(amount, this.config.pledgeOverTimeIncrements), null);
      }
      if (tierId !== current.tierId) {
        // In tier-id order, so two backers swapping tiers cannot deadlock.
        const moves = [
          ...(current.tierId ? [{ id: current.tierId, take: false }] : []),
          ...(tier ? [{ id: tier.id, take: true }] : []),
        ].sort((a, b) => (a.id < b.id ? -1 : 1));
        for (const move of moves) {
          if (move.take) await PledgeGate.takeUnit(manager, tier!);
          else await PledgeGate.releaseUnit(manager, move.id);
        }
      }
      if (input.addOns) {
        await this.moveAddOnUnits(manager, offered, currentLines, addOnLines);
        await manager.getRepository(PledgeAddOnEntity).delete({ pledgeId: current.id });
        if (addOnLines.length)
          await manager.getRepository(PledgeAddOnEntity).insert(addOnLines.map((line) => ({ pledgeId: current.id, addOnId: line.addOnId, quantity: line.quantity })));
      }
      await PledgeGate.transition(manager, current.id, 'change', {
        set: { tier_id: tierId, amount, ...(card ? { customer_id: card.customerId, payment_method_id: card.paymentMethodId } : {}) },
      });
    });
    await this.progress.publish(campaign.id);
    return requirePledge(this.queries, id);
  }

  /** PENDING -> CANCELED before the deadline, by the backer; the unit goes back to the tier. */
  async cancelPledge(viewer: Viewer, id: string): Promise<PledgeEntity> {
    const pledge = await ownPledge(this.queries, viewer, id);
    await this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, pledge.campaignId, 'share');
      const current = await PledgeGate.lock(manager, id);
      PledgeGate.check(current.status, 'cancel');
      this.assertTakingPledges(campaign);
      if (current.tierId) await PledgeGate.releaseUnit(manager, current.tierId);
      await this.moveAddOnUnits(manager, [], await this.queries.addOnLinesOfPledges([id], manager), []);
      await PledgeGate.transition(manager, id, 'cancel');
      await IncrementGate.cancelOpen(manager, [id]);
      await this.events.publish(
        { type: 'funding.pledge.withdrawn', pledgeId: id, campaignId: pledge.campaignId, backerId: pledge.backerId, status: 'CANCELED' },
        manager,
      );
    });
    await this.progress.publish(pledge.campaignId);
    return requirePledge(this.queries, id);
  }

  /**
   * A new pledge: while the campaign is LIVE and before its deadline, or, after a successful
   * end, as a late pledge until latePledgesUntil (returns true then). A failed campaign takes none.
   */
  private assertTakingNewPledges(campaign: CampaignEntity): boolean {
    if (campaign.status === 'SUCCESSFUL' || campaign.status === 'FAILED') {
      const until = latePledgesUntil(campaign);
      if (until && until.getTime() > Date.now()) return true;
      throw DomainError.conflict(
        campaign.status === 'FAILED'
          ? 'This campaign failed: it takes no pledges, late pledges included'
          : until
            ? `This campaign took late pledges until ${until.toISOString()}; it takes no more`
            : 'This campaign ended successfully and takes no late pledges (its creator set no latePledgeDays)',
      );
    }
    this.assertTakingPledges(campaign);
    return false;
  }

  /** The payments of a pledge over time: the first COLLECTED when it was charged at once, the rest one interval apart. */
  private async insertPayments(manager: EntityManager, pledgeId: string, campaign: CampaignEntity, parts: number[], chargeId: string | null): Promise<void> {
    const first = chargeId ? new Date() : campaign.deadline;
    await manager.getRepository(PledgeIncrementEntity).insert(
      parts.map((amount, index) => ({
        pledgeId,
        number: index + 1,
        campaignId: campaign.id,
        amount,
        currency: campaign.currency,
        dueAt: incrementDueAt(first, index + 1, this.config.pledgeOverTimeIntervalSeconds),
        state: index === 0 && chargeId ? ('COLLECTED' as const) : ('SCHEDULED' as const),
        chargeId: index === 0 ? chargeId : null,
        collectedAt: index === 0 && chargeId ? first : null,
      })),
    );
  }

  /** Between the payments of a pledge over time, the backer changes the card the payments to come are charged to. */
  private async changeCard(viewer: Viewer, pledge: PledgeEntity, paymentMethodId: string): Promise<PledgeEntity> {
    const [open] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM funding.pledge_increments WHERE pledge_id = $1 AND state IN ${IncrementGate.OPEN_STATES_SQL}`,
      [pledge.id],
    );
    if (!open || open.n === 0) throw DomainError.conflict('Every payment of this pledge was made: there is no payment left to change the card for');
    PledgeGate.check(pledge.status, 'changeCard');
    const card = await this.payments.saveCard({
      profileId: viewer.profileId,
      paymentMethodId,
      idempotencyKey: `pledge:${pledge.id}:card:${randomUUID()}`,
    });
    await this.dataSource.transaction((manager) =>
      PledgeGate.transition(manager, pledge.id, 'changeCard', { set: { customer_id: card.customerId, payment_method_id: card.paymentMethodId } }),
    );
    return requirePledge(this.queries, pledge.id);
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
    viewer: Viewer,
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
    return this.checkTier(viewer, campaign, tierId, tier ?? null, manager, current);
  }

  /** Whether the viewer may pick this tier (already read; null: no tier with that id) for a pledge on the campaign. */
  private async checkTier(
    viewer: Viewer,
    campaign: CampaignEntity,
    tierId: string,
    tier: RewardTierEntity | null,
    manager?: EntityManager,
    current = false,
  ): Promise<RewardTierEntity> {
    // A secret tier the viewer may not see does not exist for them: the same answer as an unknown id.
    if (!tier || (tier.secret && !current && !(await this.secretTiersVisible(viewer, campaign, manager)))) {
      throw DomainError.notFound('Reward tier', tierId);
    }
    if (tier.campaignId !== campaign.id)
      throw DomainError.badField('tierId', 'is not a reward tier of this campaign; pick one of its rewardTiers');
    // A pledge may stay on a tier removed after it chose it, but nobody picks a removed tier.
    if (tier.removedAt && !current)
      throw DomainError.badField('tierId', 'this reward tier was removed by the creator; pick another one');
    return tier;
  }

  private async secretTiersVisible(viewer: Viewer, campaign: CampaignEntity, manager?: EntityManager): Promise<boolean> {
    if (canSeeSecretTiers(await this.queries.relationOf(viewer, campaign, manager), false)) return true;
    return (await this.queries.revealedSecretRewards(viewer.profileId, [campaign.id], manager)).has(campaign.id);
  }

  /** The add-on lines and the amount together: BAD_USER_INPUT with every problem, the shortfall named. */
  private assertAmount(
    campaign: CampaignEntity,
    amount: number,
    tier: RewardTierEntity | null,
    addOnLines: readonly PledgeAddOnLine[],
    offered: readonly AddOnEntity[],
    late = false,
    overTime = false,
  ): void {
    const addOns = pledgeAddOnProblems(addOnLines, new Map(offered.map((addOn) => [addOn.id, addOn])), tier?.id ?? null);
    const unit = oneMajorUnit(campaign.currency);
    const amountProblems = pledgeAmountProblems(amount, tier ? tierMinimumFor(tier, late) : null, { oneMajorUnit: unit, maxCharge: MAX_CHARGE_MINOR_UNITS }, 'amount', addOns.total);
    const problems = [
      ...addOns.problems,
      ...amountProblems,
      ...(overTime
        ? pledgeOverTimeProblems(amount, campaign, { increments: this.config.pledgeOverTimeIncrements, minimumPayment: unit }).filter(
            (problem) => problem.path !== 'amount' || amountProblems.length === 0,
          )
        : []),
    ];
    if (problems.length) throw DomainError.badInput(problems);
  }

  /**
   * From one set of add-on lines to another: each add-on's difference taken (atomically, CONFLICT
   * when too few are left) or given back, in add-on id order so concurrent changes cannot deadlock.
   */
  private async moveAddOnUnits(
    manager: EntityManager,
    offered: readonly AddOnEntity[],
    before: readonly PledgeAddOnLine[],
    after: readonly PledgeAddOnLine[],
  ): Promise<void> {
    const quantity = (lines: readonly PledgeAddOnLine[], id: string) => lines.find((line) => line.addOnId === id)?.quantity ?? 0;
    const ids = [...new Set([...before, ...after].map((line) => line.addOnId))].sort();
    for (const id of ids) {
      const change = quantity(after, id) - quantity(before, id);
      if (change > 0) await PledgeGate.takeAddOnUnits(manager, offered.find((addOn) => addOn.id === id)!, change);
      else if (change < 0) await PledgeGate.releaseAddOnUnits(manager, id, -change);
    }
  }
}
