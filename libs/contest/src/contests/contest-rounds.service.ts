/**
 * A contest's timers, as one durable job per contest (CONTEST_DEADLINE_QUEUE, keyed by the
 * contest id) for whatever deadline its status has now: the end of the qualifying round, of
 * the finalist window, of the final round, of the winner window, or the handover's
 * auto-approval. Each transition schedules the next deadline in its own transaction (a new
 * schedule replaces the waiting job), and at boot the jobs are derived again from the
 * database. A job that finds the contest already moved on, or its deadline not reached
 * (the holder acted, a deadline moved), does nothing more than schedule the right one.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, JobScheduler, type AppConfig } from '@foule/shared';
import { EntryGate } from '../domain/entry.gate';
import { EntryEntity } from '../domain/entry.entities';
import { ContestGate } from '../domain/contest.gate';
import type { ContestEntity } from '../domain/contest.entity';
import { ContestMoney } from './contest-money.service';
import { CONTEST_DEADLINE_QUEUE, type ContestJob } from './contest-queues';
import { prizeSplit, topRatedFinalists } from '../domain/contest-rules';

const secondsFrom = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

@Injectable()
export class ContestRounds implements OnApplicationBootstrap {
  private readonly logger = new Logger('ContestRounds');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobScheduler,
    private readonly gate: ContestGate,
    private readonly entries: EntryGate,
    private readonly money: ContestMoney,
  ) {
    jobs.define<ContestJob>({
      name: CONTEST_DEADLINE_QUEUE,
      handle: async ({ contestId }) => {
        await this.onDeadline(contestId);
      },
      concurrency: 2,
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
  }

  /** The database is the truth: every contest waiting on a deadline gets its job again, and every unrecorded refund its refund job. */
  async onApplicationBootstrap(): Promise<void> {
    const waiting = await this.dataSource.query<ContestEntity[]>(
      `SELECT id, status, qualifying_ends_at AS "qualifyingEndsAt", finalist_selection_ends_at AS "finalistSelectionEndsAt",
              final_round_ends_at AS "finalRoundEndsAt", winner_selection_ends_at AS "winnerSelectionEndsAt",
              handover_delivered_at AS "handoverDeliveredAt"
         FROM contest.contests
        WHERE status IN ('OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION')
           OR (status = 'HANDOVER' AND handover_delivered_at IS NOT NULL)`,
    );
    for (const contest of waiting) await this.scheduleDeadline(this.dataSource.manager, contest);
    const refunds = await this.dataSource.query<{ id: string; charge_id: string }[]>(
      `SELECT id, charge_id FROM contest.contests WHERE status = 'CANCELED' AND charge_id IS NOT NULL AND refunded_at IS NULL`,
    );
    for (const row of refunds) await this.money.scheduleRefund(this.dataSource.manager, { id: row.id, chargeId: row.charge_id } as ContestEntity);
    if (waiting.length + refunds.length > 0) this.logger.log(`resumed ${waiting.length} contest deadline(s), ${refunds.length} refund(s)`);
  }

  /** When the contest's current status ends by itself, or null when only someone's action moves it. */
  deadlineOf(contest: Pick<ContestEntity, 'status' | 'qualifyingEndsAt' | 'finalistSelectionEndsAt' | 'finalRoundEndsAt' | 'winnerSelectionEndsAt' | 'handoverDeliveredAt'>): Date | null {
    switch (contest.status) {
      case 'OPEN':
        return contest.qualifyingEndsAt;
      case 'FINALIST_SELECTION':
        return contest.finalistSelectionEndsAt;
      case 'FINAL_ROUND':
        return contest.finalRoundEndsAt;
      case 'WINNER_SELECTION':
        return contest.winnerSelectionEndsAt;
      case 'HANDOVER':
        return contest.handoverDeliveredAt && secondsFrom(contest.handoverDeliveredAt, this.config.handoverAutoApproveSeconds);
      default:
        return null;
    }
  }

  /** In the transaction that made it due: the job for the contest's current deadline, if it has one. */
  async scheduleDeadline(manager: EntityManager, contest: Parameters<ContestRounds['deadlineOf']>[0] & { id: string }): Promise<void> {
    const due = this.deadlineOf(contest);
    if (due) await this.jobs.scheduleAt<ContestJob>(CONTEST_DEADLINE_QUEUE, contest.id, due, { contestId: contest.id }, manager);
  }

  /** Round deadlines written by the transition that starts the round. */
  finalistWindow = (now: Date) => ({ finalist_selection_ends_at: secondsFrom(now, this.config.contestFinalistSelectionSeconds) });
  finalRound = (now: Date, contest: ContestEntity) => ({ final_round_ends_at: secondsFrom(now, contest.finalRoundSeconds) });
  winnerWindow = (now: Date) => ({ winner_selection_ends_at: secondsFrom(now, this.config.contestWinnerSelectionSeconds) });

  /** The deadline job. Returns what it did, for the log. */
  async onDeadline(contestId: string): Promise<string> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const contest = await this.gate.lock(manager, contestId);
      const due = this.deadlineOf(contest);
      const [{ now }] = await manager.query<{ now: Date }[]>('SELECT now() AS now');
      if (!due) return 'nothing to do';
      if (due.getTime() > now.getTime()) {
        await this.scheduleDeadline(manager, contest);
        return 'not due yet';
      }
      const moved = await this.expire(manager, contest, now);
      await this.scheduleDeadline(manager, moved);
      if (moved.status === 'CANCELED') await this.money.scheduleRefund(manager, moved);
      return `${contest.status} -> ${moved.status}`;
    });
    if (outcome.endsWith('CANCELED')) await this.money.refund(contestId);
    this.logger.log(`contest ${contestId}: deadline: ${outcome}`);
    return outcome;
  }

  private async expire(manager: EntityManager, contest: ContestEntity, now: Date): Promise<ContestEntity> {
    switch (contest.status) {
      case 'OPEN':
        return this.gate.transition(manager, contest, 'closeQualifying', { changes: this.finalistWindow(now) });
      case 'FINALIST_SELECTION': {
        const candidates = contest.guaranteed ? await this.competing(manager, contest.id, 'ACTIVE') : [];
        if (candidates.length === 0) return this.cancel(manager, contest, 'The finalist selection window ended without finalists');
        const finalists = topRatedFinalists(candidates, contest.maxFinalists);
        await this.entries.transitionMany(manager, finalists.map((entry) => entry.id), 'selectFinalist', contest.status);
        return this.gate.transition(manager, contest, 'selectFinalists', { changes: this.finalRound(now, contest) });
      }
      case 'FINAL_ROUND':
        return this.gate.transition(manager, contest, 'closeFinalRound', { changes: this.winnerWindow(now) });
      case 'WINNER_SELECTION': {
        const finalists = contest.guaranteed ? await this.competing(manager, contest.id, 'FINALIST') : [];
        if (finalists.length === 0) return this.cancel(manager, contest, 'The winner selection window ended without a winner');
        const completed = await this.gate.transition(manager, contest, 'split', { hasCandidates: true, changes: { completed_at: now } });
        await this.money.award(manager, completed, 'SPLIT', prizeSplit(contest.prizeAmount, finalists));
        return completed;
      }
      case 'HANDOVER':
        return this.approve(manager, contest, now);
      default:
        return contest;
    }
  }

  /** HANDOVER -> COMPLETED: the prize to the winner (the holder's approval, or the auto-approve timer). */
  async approve(manager: EntityManager, contest: ContestEntity, now: Date): Promise<ContestEntity> {
    const completed = await this.gate.transition(manager, contest, 'approveHandover', { changes: { completed_at: now } });
    const winner = await manager.getRepository(EntryEntity).findOneByOrFail({ id: contest.winnerEntryId! });
    await this.money.award(manager, completed, 'WINNER', [{ designerId: winner.designerId, amount: contest.prizeAmount }]);
    return completed;
  }

  /** Cancels a contest whose window ended with nobody to award (the refund job is scheduled by the caller). */
  private cancel(manager: EntityManager, contest: ContestEntity, reason: string): Promise<ContestEntity> {
    return this.gate.transition(manager, contest, 'expire', { hasCandidates: false, changes: { canceled_at: new Date(), cancel_reason: reason } });
  }

  private competing(manager: EntityManager, contestId: string, status: 'ACTIVE' | 'FINALIST'): Promise<EntryEntity[]> {
    return manager.getRepository(EntryEntity).find({ where: { contestId, status }, order: { number: 'ASC' } });
  }
}
