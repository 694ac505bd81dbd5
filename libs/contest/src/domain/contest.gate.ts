/**
 * The one place a contest's status changes. It reads the contest under a row lock, asks the
 * pure machine, and runs the guarded UPDATE whose `WHERE status IN (...)` is the machine's
 * source statuses for the event, so a refused move is a CONFLICT saying why, never a silent
 * skip; what else the move writes (round deadlines, the winner, the charge) goes in the same
 * statement.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, isIdOf, updateReturning } from '@foule/shared';
import { ContestEntity } from './contest.entity';
import { contestSourceStatuses, contestTransition, type ContestEvent, type ContestFacts } from './contest-status.machine';

/** Columns a transition may set besides the status (snake_case column => value). */
export type ContestChanges = Record<string, unknown>;

@Injectable()
export class ContestGate {
  /** The contest, locked FOR UPDATE in the caller's transaction; NOT_FOUND when there is none. */
  async lock(manager: EntityManager, id: string): Promise<ContestEntity> {
    const contest = isIdOf('contest', id)
      ? await manager.getRepository(ContestEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!contest) throw DomainError.notFound('Contest', id);
    return contest;
  }

  /** Facts the machine needs that the row alone holds; callers add hasCandidates when the event needs it. */
  facts(contest: ContestEntity, hasCandidates = true): ContestFacts {
    return { guaranteed: contest.guaranteed, delivered: contest.handoverDeliveredAt !== null, hasCandidates };
  }

  /** Applies `event` to a contest locked by `lock` in this transaction; returns the updated row. */
  async transition(
    manager: EntityManager,
    contest: ContestEntity,
    event: ContestEvent,
    options: { hasCandidates?: boolean; changes?: ContestChanges } = {},
  ): Promise<ContestEntity> {
    const result = contestTransition(contest.status, event, this.facts(contest, options.hasCandidates));
    if (!result.ok) throw DomainError.conflict(result.reason);
    const changes = Object.entries(options.changes ?? {});
    const assignments = changes.map(([column], index) => `${column} = $${index + 4}`);
    const [row] = await updateReturning<{ id: string }>(
      manager,
      `UPDATE contest.contests SET status = $2, updated_at = now()${assignments.length ? `, ${assignments.join(', ')}` : ''}
        WHERE id = $1 AND status = ANY($3) RETURNING id`,
      [contest.id, result.next, [...contestSourceStatuses(event)], ...changes.map(([, value]) => value)],
    );
    if (!row) throw DomainError.conflict(`The contest moved on meanwhile (it is no longer ${contest.status}); reload it and try again`);
    return manager.getRepository(ContestEntity).findOneByOrFail({ id: contest.id });
  }
}
