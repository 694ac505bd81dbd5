/**
 * What holders do to their contests: create, open (pay prize and fee), select finalists,
 * pick the winner, approve the handover, cancel. Each command checks who asks (only the
 * holder), asks the machines through the gates, and writes in one transaction under the
 * contest's row lock, with the next deadline's job and any journal entry in that transaction.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FilesFacade } from '@foule/files';
import { DataSource, In, type EntityManager } from 'typeorm';
import { FundingFacade } from '@foule/funding';
import { PaymentsFacade, isProviderCurrency, type IdempotentRun } from '@foule/payments';
import { APP_CONFIG, DomainError, hasRole, MAX_CHARGE_MINOR_UNITS, isIdOf, newId, normalizeCurrency, oneMajorUnit, updateReturning, type AppConfig, type FieldProblem, type Viewer } from '@foule/shared';
import type { CreateContestInput, OpenContestInput } from '../contest.inputs';
import { canSeeContest } from '../contest-visibility';
import { EntryGate } from '../domain/entry.gate';
import { EntryEntity } from '../domain/entry.entities';
import { entryTransition } from '../domain/entry-status.machine';
import { ContestGate } from '../domain/contest.gate';
import { ContestEntity } from '../domain/contest.entity';
import { ContestEvents } from '../domain/contest-events';
import { ContestMoney } from './contest-money.service';
import { ContestRounds } from './contest-rounds.service';
import { contestAllows } from '../domain/contest-status.machine';
import { categoryKey, contestShapeProblems, royaltyProblems } from '../domain/contest-rules';

/** What an openContest request stores under its idempotency key: a replay answers the same contest. */
interface OpenReceipt {
  contestId: string;
}

@Injectable()
export class ContestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payments: PaymentsFacade,
    private readonly gate: ContestGate,
    private readonly entries: EntryGate,
    private readonly money: ContestMoney,
    private readonly rounds: ContestRounds,
    private readonly files: FilesFacade,
    private readonly funding: FundingFacade,
    private readonly events: ContestEvents,
  ) {}

  async create(viewer: Viewer, input: CreateContestInput): Promise<ContestEntity> {
    const problems: FieldProblem[] = [];
    let currency: string | null = null;
    try {
      currency = normalizeCurrency(input.prize.currency, 'prize.currency');
      if (!isProviderCurrency(currency)) {
        problems.push({ path: 'prize.currency', message: `${currency} is not a currency the payment provider can charge in` });
        currency = null;
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push(...((error.extensions.fields as FieldProblem[]) ?? []));
    }
    const shape = {
      prizeAmount: input.prize.amount,
      maxFinalists: input.maxFinalists ?? 6,
      qualifyingRoundSeconds: input.qualifyingRoundSeconds ?? this.config.contestQualifyingRoundSeconds,
      finalRoundSeconds: input.finalRoundSeconds ?? this.config.contestFinalRoundSeconds,
    };
    problems.push(
      ...contestShapeProblems(shape, {
        // Without a known currency, check the prize as if it had two decimals; the currency is reported anyway.
        oneMajorUnit: currency ? oneMajorUnit(currency) : 100,
        maxCharge: MAX_CHARGE_MINOR_UNITS,
        feeBps: this.config.contestFeeBps,
        minRoundSeconds: this.config.contestMinRoundSeconds,
      }),
    );
    const winnerRoyaltyBps = input.winnerRoyaltyBps ?? 0;
    problems.push(...royaltyProblems(winnerRoyaltyBps, Boolean(input.campaignId)));
    if (problems.length) throw DomainError.badInput(problems);
    const campaignId = input.campaignId ? await this.linkableCampaign(viewer, input.campaignId) : null;
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(ContestEntity);
      const contest = await repository.save(
      repository.create({
        id: newId('contest'),
        holderId: viewer.profileId,
        campaignId,
        winnerRoyaltyBps,
        fundedFromCampaignId: null,
        title: input.title.trim(),
        brief: input.brief,
        category: input.category.trim(),
        categoryKey: categoryKey(input.category),
        status: 'DRAFT',
        prizeAmount: shape.prizeAmount,
        feeAmount: 0,
        currency: currency!,
        guaranteed: input.guaranteed ?? false,
        blind: input.blind ?? false,
        maxFinalists: shape.maxFinalists,
        qualifyingRoundSeconds: shape.qualifyingRoundSeconds,
        finalRoundSeconds: shape.finalRoundSeconds,
        entriesNumbered: 0,
        declinedOpenAttempts: 0,
        chargeId: null,
        openedAt: null,
        qualifyingEndsAt: null,
        finalistSelectionEndsAt: null,
        finalRoundEndsAt: null,
        winnerSelectionEndsAt: null,
        winnerEntryId: null,
        handoverAssetIds: null,
        handoverDeliveredAt: null,
        completedAt: null,
        canceledAt: null,
        cancelReason: null,
        refundedAt: null,
      }),
      );
      // The royalty is agreed with the campaign in the same transaction (funding checks it may still be).
      if (campaignId && winnerRoyaltyBps > 0) await this.funding.agreeWinnerRoyalty(manager, { campaignId, contestId: contest.id, bps: winnerRoyaltyBps });
      return contest;
    });
  }

  /**
   * DRAFT -> OPEN once per idempotency key: the card is charged prize + fee (declined:
   * PAYMENT_FAILED, still DRAFT), then one transaction opens the contest, books the money
   * and schedules the end of the qualifying round.
   */
  async open(viewer: Viewer, input: OpenContestInput): Promise<ContestEntity> {
    const receipt = await this.payments.runIdempotent<OpenReceipt>(
      { profileId: viewer.profileId, operation: 'contest.open', key: input.idempotencyKey, request: { ...input } },
      (run) => this.openOnce(viewer, input, run),
    );
    return this.require(receipt.contestId);
  }

  private async openOnce(viewer: Viewer, input: OpenContestInput, run: IdempotentRun): Promise<OpenReceipt> {
    const contest = await this.ownContest(this.dataSource.manager, viewer, input.contestId);
    if (contest.status !== 'DRAFT') throw DomainError.conflict(`Cannot open a ${contest.status} contest: it was already opened; only a DRAFT contest can be opened`);
    if (input.paymentMethodId && input.fromCampaignId) {
      throw DomainError.badInput([
        { path: 'paymentMethodId', message: 'pay by card or from a campaign, not both' },
        { path: 'fromCampaignId', message: 'pay by card or from a campaign, not both' },
      ]);
    }
    if (input.fromCampaignId) return this.openFromCampaign(viewer, contest, input.fromCampaignId, run);
    if (!input.paymentMethodId) {
      throw DomainError.badField('paymentMethodId', "pay the prize and fee by card (a payment method) or from your successful campaign's funds (fromCampaignId)");
    }
    const { chargeId, fee } = await this.money.chargeOpening(contest, viewer.profileId, input.paymentMethodId);
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.gate.lock(manager, contest.id);
      const now = new Date();
      const opened = await this.gate.transition(manager, locked, 'open', {
        changes: { charge_id: chargeId, fee_amount: fee, opened_at: now, qualifying_ends_at: new Date(now.getTime() + locked.qualifyingRoundSeconds * 1000) },
      });
      await this.money.recordOpening(manager, opened);
      await this.rounds.scheduleDeadline(manager, opened);
      await run.complete(manager, { contestId: contest.id } satisfies OpenReceipt);
    });
    return { contestId: contest.id };
  }

  /**
   * DRAFT -> OPEN paid from the holder's successful campaign: in one transaction, under the
   * contest's row lock and then the campaign's, funding checks and books prize and fee out of
   * the campaign's escrow (its payout, under the same campaign lock, then pays the creator
   * that much less), and the contest opens. A refusal writes nothing.
   */
  private async openFromCampaign(viewer: Viewer, contest: ContestEntity, campaignId: string, run: IdempotentRun): Promise<OpenReceipt> {
    if (!isIdOf('campaign', campaignId)) throw DomainError.notFound('Campaign', campaignId);
    const { fee } = this.money.openingPrice(contest);
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.gate.lock(manager, contest.id);
      const now = new Date();
      const opened = await this.gate.transition(manager, locked, 'open', {
        changes: { funded_from_campaign_id: campaignId, fee_amount: fee, opened_at: now, qualifying_ends_at: new Date(now.getTime() + locked.qualifyingRoundSeconds * 1000) },
      });
      await this.funding.fundContestFromCampaign(manager, {
        campaignId,
        contestId: opened.id,
        holderId: viewer.profileId,
        prize: opened.prizeAmount,
        fee,
        currency: opened.currency,
      });
      await this.rounds.scheduleDeadline(manager, opened);
      await run.complete(manager, { contestId: contest.id } satisfies OpenReceipt);
    });
    return { contestId: contest.id };
  }

  /** A contest that is not guaranteed, before finalists are chosen; an opened one is refunded through the provider. */
  async cancel(viewer: Viewer, id: string, reason: string | null): Promise<ContestEntity> {
    const canceled = await this.dataSource.transaction(async (manager) => {
      const contest = await this.ownContest(manager, viewer, id, true);
      const moved = await this.gate.transition(manager, contest, 'cancel', { changes: { canceled_at: new Date(), cancel_reason: reason?.trim() || null } });
      await this.money.scheduleRefund(manager, moved);
      return moved;
    });
    // The job refunds too (it was written with the cancellation); doing it now answers with the money back.
    await this.money.refund(canceled.id);
    return this.require(id);
  }

  /** 1..maxFinalists ACTIVE entries become finalists; the prize becomes guaranteed and the final round starts. */
  async selectFinalists(viewer: Viewer, contestId: string, entryIds: string[]): Promise<ContestEntity> {
    return this.dataSource.transaction(async (manager) => {
      const contest = await this.ownContest(manager, viewer, contestId, true);
      const unique = [...new Set(entryIds)];
      if (unique.length === 0 || unique.length > contest.maxFinalists) {
        throw DomainError.badField('entryIds', `select 1 to ${contest.maxFinalists} finalists (this contest's maxFinalists), each once`);
      }
      if (unique.length !== entryIds.length) throw DomainError.badField('entryIds', 'lists an entry more than once');
      const entries = await this.entriesOf(manager, contest, entryIds, (index) => `entryIds.${index}`);
      const refused = entries.map((entry) => entryTransition(entry.status, 'selectFinalist', contest.status)).find((result) => !result.ok);
      if (refused && !refused.ok) throw DomainError.conflict(refused.reason);
      const now = new Date();
      const moved = await this.gate.transition(manager, contest, 'selectFinalists', { changes: { guaranteed: true, ...this.rounds.finalRound(now, contest) } });
      const finalists = await this.entries.transitionMany(manager, unique, 'selectFinalist', contest.status);
      if (finalists.length !== unique.length) throw DomainError.conflict('An entry moved on meanwhile; reload the entries and try again');
      await this.rounds.scheduleDeadline(manager, moved);
      return moved;
    });
  }

  /** From any running round: the entry wins and the contest waits for the winner's files. */
  async pickWinner(viewer: Viewer, contestId: string, entryId: string): Promise<ContestEntity> {
    return this.dataSource.transaction(async (manager) => {
      const contest = await this.ownContest(manager, viewer, contestId, true);
      const [entry] = await this.entriesOf(manager, contest, [entryId], () => 'entryId');
      await this.entries.transition(manager, entry, 'win', contest.status);
      const moved = await this.gate.transition(manager, contest, 'pickWinner', { changes: { winner_entry_id: entry.id, guaranteed: true } });
      await this.rounds.scheduleDeadline(manager, moved);
      return moved;
    });
  }

  /** The winner delivers the final files (PDF or ZIP assets); the handover is approved HANDOVER_AUTO_APPROVE_SECONDS later unless the holder approves sooner. */
  async deliverHandover(viewer: Viewer, contestId: string, assetIds: string[]): Promise<ContestEntity> {
    if (assetIds.length === 0) throw DomainError.badField('assetIds', 'deliver at least one file: upload it with createUpload first');
    return this.dataSource.transaction(async (manager) => {
      const contest = await this.gate.lock(manager, contestId);
      if (!canSeeContest(viewer, contest)) throw DomainError.notFound('Contest', contestId);
      const winner = contest.winnerEntryId ? await manager.getRepository(EntryEntity).findOneBy({ id: contest.winnerEntryId }) : null;
      if (winner?.designerId !== viewer.profileId) throw DomainError.forbidden("Only the contest's winner delivers its final files");
      const allowed = contestAllows(contest.status, 'deliverHandover');
      if (!allowed.ok) throw DomainError.conflict(allowed.reason);
      if (contest.handoverDeliveredAt) throw DomainError.conflict('The final files were already delivered; the holder is reviewing them');
      await this.files.claimAssets(viewer.profileId, assetIds, 'HANDOVER_FILE', { manager, path: 'assetIds' });
      const [{ id }] = await updateReturning<{ id: string }>(
        manager,
        `UPDATE contest.contests SET handover_asset_ids = $2, handover_delivered_at = now(), updated_at = now() WHERE id = $1 AND status = 'HANDOVER' RETURNING id`,
        [contest.id, assetIds],
      );
      const delivered = await this.require(id, manager);
      await this.rounds.scheduleDeadline(manager, delivered);
      await this.events.publish({ type: 'contest.handover.delivered', contestId: id, autoApprovesAt: this.rounds.deadlineOf(delivered) }, manager);
      return delivered;
    });
  }

  /** The holder approves the delivered files: the prize goes to the winner. */
  async approveHandover(viewer: Viewer, contestId: string): Promise<ContestEntity> {
    return this.dataSource.transaction(async (manager) => {
      const contest = await this.ownContest(manager, viewer, contestId, true);
      return this.rounds.approve(manager, contest, new Date());
    });
  }

  async require(id: string, manager: EntityManager = this.dataSource.manager): Promise<ContestEntity> {
    const contest = isIdOf('contest', id) ? await manager.getRepository(ContestEntity).findOneBy({ id }) : null;
    if (!contest) throw DomainError.notFound('Contest', id);
    return contest;
  }

  /** A contest designs for a campaign of its own creator only; someone else's draft is as unknown as contest(id) makes it. */
  private async linkableCampaign(viewer: Viewer, campaignId: string): Promise<string> {
    const campaign = await this.funding.campaignSummary(campaignId);
    const visible = campaign && (campaign.status !== 'DRAFT' || campaign.creatorId === viewer.profileId || hasRole(viewer, 'ADMIN'));
    if (!campaign || !visible) throw DomainError.notFound('Campaign', campaignId);
    if (campaign.creatorId !== viewer.profileId) throw DomainError.forbidden("Only the campaign's creator can run a contest for it");
    return campaign.id;
  }

  /** The contest, if the viewer holds it (locked FOR UPDATE when asked); NOT_FOUND for a draft of someone else, as contest(id) answers. */
  private async ownContest(manager: EntityManager, viewer: Viewer, id: string, lock = false): Promise<ContestEntity> {
    const contest = lock ? await this.gate.lock(manager, id) : await this.require(id, manager);
    if (contest.holderId !== viewer.profileId) {
      if (contest.status === 'DRAFT') throw DomainError.notFound('Contest', id);
      throw DomainError.forbidden("Only the contest's holder can do this");
    }
    return contest;
  }

  /** The entries, locked, each of this contest: an unknown id is NOT_FOUND, another contest's entry BAD_USER_INPUT at its path. */
  private async entriesOf(manager: EntityManager, contest: ContestEntity, ids: string[], pathOf: (index: number) => string): Promise<EntryEntity[]> {
    const valid = ids.filter((id) => isIdOf('entry', id));
    const rows = valid.length
      ? await manager.getRepository(EntryEntity).find({ where: { id: In(valid) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } })
      : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing !== undefined) throw DomainError.notFound('Entry', missing);
    const problems = ids.flatMap((id, index) =>
      byId.get(id)!.contestId === contest.id ? [] : [{ path: pathOf(index), message: 'is an entry of another contest' }],
    );
    if (problems.length) throw DomainError.badInput(problems);
    return ids.map((id) => byId.get(id)!);
  }
}
