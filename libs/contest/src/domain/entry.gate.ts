/**
 * The one place an entry's status changes (and where it is rated, which the machine also
 * decides): the pure machine, given the contest's status, then the guarded UPDATE whose
 * `WHERE status IN (...)` is the machine's source statuses, so a refused move is a CONFLICT.
 * Callers hold the contest's row lock, so the contest cannot move meanwhile.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, isIdOf, updateReturning } from '@foule/shared';
import type { ContestStatus } from './contest-status.machine';
import { ContestEvents } from './contest-events';
import { EntryEntity } from './entry.entities';
import { entrySourceStatuses, entryTransition, type EntryEvent, type EntryStatus } from './entry-status.machine';

@Injectable()
export class EntryGate {
  constructor(private readonly events: ContestEvents) {}

  async lock(manager: EntityManager, id: string): Promise<EntryEntity> {
    const entry = isIdOf('entry', id) ? await manager.getRepository(EntryEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!entry) throw DomainError.notFound('Entry', id);
    return entry;
  }

  /** Applies `event` to one entry of a contest in `contestStatus`; `changes` are further columns (snake_case) to set. */
  async transition(
    manager: EntityManager,
    entry: EntryEntity,
    event: EntryEvent,
    contestStatus: ContestStatus,
    changes: Record<string, unknown> = {},
  ): Promise<EntryEntity> {
    const result = entryTransition(entry.status, event, contestStatus);
    if (!result.ok) throw DomainError.conflict(result.reason);
    const moved = await this.transitionMany(manager, [entry.id], event, contestStatus, changes);
    if (moved.length !== 1) throw DomainError.conflict(`Entry ${entry.id} moved on meanwhile (it is no longer ${entry.status}); reload it and try again`);
    return manager.getRepository(EntryEntity).findOneByOrFail({ id: entry.id });
  }

  /**
   * Applies `event` to many entries at once (finalists chosen together); returns the ids that
   * moved. Entries the machine refuses are left alone: the caller compares with what it asked.
   */
  async transitionMany(
    manager: EntityManager,
    ids: readonly string[],
    event: EntryEvent,
    contestStatus: ContestStatus,
    changes: Record<string, unknown> = {},
  ): Promise<string[]> {
    // One guarded UPDATE per target status (rate keeps ACTIVE as ACTIVE and FINALIST as FINALIST).
    const byTarget = new Map<EntryStatus, EntryStatus[]>();
    for (const source of entrySourceStatuses(event, contestStatus)) {
      const result = entryTransition(source, event, contestStatus);
      if (result.ok) byTarget.set(result.next, [...(byTarget.get(result.next) ?? []), source]);
    }
    const moved: string[] = [];
    for (const [next, sources] of byTarget) moved.push(...(await this.update(manager, ids, sources, next, changes)));
    // Told in this transaction (ContestCommunity: the designers hear of a rating, an elimination, a final, a win).
    if (moved.length) await this.events.publish({ type: 'contest.entries.moved', event, entryIds: moved }, manager);
    return moved;
  }

  private async update(manager: EntityManager, ids: readonly string[], sources: EntryStatus[], next: EntryStatus, changes: Record<string, unknown>): Promise<string[]> {
    const extra = Object.entries(changes);
    const assignments = extra.map(([column], index) => `, ${column} = $${index + 4}`).join('');
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE contest.entries SET status = $2, updated_at = now()${assignments} WHERE id = ANY($1) AND status = ANY($3) RETURNING id`,
      [[...ids], next, sources, ...extra.map(([, value]) => value)],
    );
    return rows.map((row) => row.id);
  }
}
