/**
 * What designers do to entries (submit, revise, withdraw) and what holders do to them (rate,
 * eliminate). Every status change goes through the EntryGate under the contest's row lock;
 * numbers come from the contest row's counter in the entry's transaction, so concurrent
 * submissions get 1, 2, 3... without gaps; each revision's picture is compared in SQL with the
 * earlier entries of other designers (perceptual hash, Hamming distance).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FilesFacade } from '@foule/files';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, isIdOf, newId, updateReturning, type Viewer } from '@foule/shared';
import type { ReviseEntryInput, SubmitEntryInput } from '../contest.inputs';
import { ContestGate } from '../domain/contest.gate';
import type { ContestEntity } from '../domain/contest.entity';
import { SIMILARITY_MAX_DISTANCE } from '../domain/contest-rules';
import { contestAllows } from '../domain/contest-status.machine';
import { ContestEvents } from '../domain/contest-events';
import { EntrySubmissions } from './entry-submissions';
import { EntryGate } from '../domain/entry.gate';
import { EntryEntity, EntryRevisionEntity } from '../domain/entry.entities';

@Injectable()
export class EntryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly files: FilesFacade,
    private readonly contests: ContestGate,
    private readonly gate: EntryGate,
    private readonly submissions: EntrySubmissions,
    private readonly events: ContestEvents,
  ) {}

  async submit(viewer: Viewer, input: SubmitEntryInput): Promise<EntryEntity> {
    if (input.assetIds.length === 0) throw DomainError.badField('assetIds', 'an entry needs at least one image: upload it with createUpload first');
    const entryId = newId('entry');
    await this.dataSource.transaction(async (manager) => {
      const contest = await this.contests.lock(manager, input.contestId);
      if (contest.status === 'DRAFT' && contest.holderId !== viewer.profileId) throw DomainError.notFound('Contest', input.contestId);
      if (contest.holderId === viewer.profileId) throw DomainError.forbidden('A holder cannot enter their own contest');
      this.require(contestAllows(contest.status, 'submitEntry'));
      // The contest row is locked: the counter is this transaction's, and a rollback gives the number back.
      const [{ entries_numbered: number }] = await updateReturning<{ entries_numbered: number }>(
        manager,
        `UPDATE contest.contests SET entries_numbered = entries_numbered + 1, updated_at = now() WHERE id = $1 RETURNING entries_numbered`,
        [contest.id],
      );
      const claimed = await this.files.claimAssets(viewer.profileId, input.assetIds, 'ENTRY_IMAGE', { manager, path: 'assetIds' });
      await manager.getRepository(EntryEntity).insert({
        id: entryId,
        contestId: contest.id,
        designerId: viewer.profileId,
        number,
        title: input.title?.trim() || null,
        description: input.description ?? null,
        status: 'ACTIVE',
        rating: null,
        eliminationReason: null,
        revisions: 1,
      });
      await this.addRevision(manager, { id: entryId, contestId: contest.id, designerId: viewer.profileId, number }, 1, input.assetIds, claimed[0]?.perceptualHash ?? null, null);
      await this.events.publish({ type: 'contest.entry.submitted', entryId }, manager);
    });
    await this.submissions.publish({ contestId: input.contestId, entryId });
    return this.requireEntry(entryId);
  }

  /** A new revision, every earlier one kept: while the contest is OPEN, and by finalists in the FINAL_ROUND. */
  async revise(viewer: Viewer, input: ReviseEntryInput): Promise<EntryEntity> {
    if (input.assetIds.length === 0) throw DomainError.badField('assetIds', 'a revision needs at least one image');
    await this.ownEntryChange(viewer, input.entryId, 'designer', async (manager, entry, contest) => {
      const revision = entry.revisions + 1;
      await this.gate.transition(manager, entry, 'revise', contest.status, { revisions: revision });
      const claimed = await this.files.claimAssets(viewer.profileId, input.assetIds, 'ENTRY_IMAGE', { manager, path: 'assetIds' });
      await this.addRevision(manager, entry, revision, input.assetIds, claimed[0]?.perceptualHash ?? null, input.note?.trim() || null);
    });
    return this.requireEntry(input.entryId);
  }

  async withdraw(viewer: Viewer, id: string): Promise<EntryEntity> {
    await this.ownEntryChange(viewer, id, 'designer', (manager, entry, contest) => this.gate.transition(manager, entry, 'withdraw', contest.status));
    return this.requireEntry(id);
  }

  async rate(viewer: Viewer, id: string, stars: number): Promise<EntryEntity> {
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw DomainError.badField('stars', 'must be 1 to 5');
    await this.ownEntryChange(viewer, id, 'holder', (manager, entry, contest) => this.gate.transition(manager, entry, 'rate', contest.status, { rating: stars }));
    return this.requireEntry(id);
  }

  async eliminate(viewer: Viewer, id: string, reason: string | null): Promise<EntryEntity> {
    await this.ownEntryChange(viewer, id, 'holder', (manager, entry, contest) =>
      this.gate.transition(manager, entry, 'eliminate', contest.status, { elimination_reason: reason?.trim() || null }),
    );
    return this.requireEntry(id);
  }

  async requireEntry(id: string): Promise<EntryEntity> {
    const entry = isIdOf('entry', id) ? await this.dataSource.getRepository(EntryEntity).findOneBy({ id }) : null;
    if (!entry) throw DomainError.notFound('Entry', id);
    return entry;
  }

  /** Locks the contest, then the entry (always in that order), checks who asks, and runs the change. */
  private async ownEntryChange(
    viewer: Viewer,
    id: string,
    who: 'designer' | 'holder',
    change: (manager: EntityManager, entry: EntryEntity, contest: ContestEntity) => Promise<unknown>,
  ): Promise<void> {
    const { contestId } = await this.requireEntry(id);
    await this.dataSource.transaction(async (manager) => {
      const contest = await this.contests.lock(manager, contestId);
      const entry = await this.gate.lock(manager, id);
      if (who === 'designer' && entry.designerId !== viewer.profileId) throw DomainError.forbidden("Only the entry's designer can revise or withdraw it");
      if (who === 'holder' && contest.holderId !== viewer.profileId) throw DomainError.forbidden("Only the contest's holder can rate or eliminate entries");
      await change(manager, entry, contest);
    });
  }

  /**
   * Stores a revision and, in the same transaction, records which earlier entries of other
   * designers in the contest look nearly the same: the smallest Hamming distance between this
   * picture's hash and any revision of theirs, within SIMILARITY_MAX_DISTANCE bits.
   */
  private async addRevision(
    manager: EntityManager,
    entry: Pick<EntryEntity, 'id' | 'contestId' | 'designerId' | 'number'>,
    revision: number,
    assetIds: string[],
    perceptualHash: bigint | null,
    note: string | null,
  ): Promise<void> {
    await manager.getRepository(EntryRevisionEntity).insert({
      id: newId('entryRevision'),
      entryId: entry.id,
      contestId: entry.contestId,
      designerId: entry.designerId,
      revision,
      note,
      assetIds,
      perceptualHash,
    });
    if (perceptualHash === null) return;
    await manager.query(
      `INSERT INTO contest.entry_similarities (entry_id, similar_entry_id, distance)
       SELECT $1, r.entry_id, min(bit_count(($2::bigint # r.perceptual_hash)::bit(64)))
         FROM contest.entry_revisions r JOIN contest.entries e ON e.id = r.entry_id
        WHERE r.contest_id = $3 AND r.designer_id <> $4 AND e.number < $5 AND r.perceptual_hash IS NOT NULL
        GROUP BY r.entry_id
       HAVING min(bit_count(($2::bigint # r.perceptual_hash)::bit(64))) <= $6
       ON CONFLICT (entry_id, similar_entry_id) DO UPDATE SET distance = least(contest.entry_similarities.distance, excluded.distance)`,
      [entry.id, perceptualHash.toString(), entry.contestId, entry.designerId, entry.number, SIMILARITY_MAX_DISTANCE],
    );
  }

  private require(result: { ok: true } | { ok: false; reason: string }): void {
    if (!result.ok) throw DomainError.conflict(result.reason);
  }
}
