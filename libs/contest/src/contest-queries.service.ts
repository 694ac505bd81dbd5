/**
 * The read side of contests: finders, counts and pages, each answering a whole batch of
 * parents in one statement (resolvers call them through ContestLoaders), with the visibility
 * rules of contest-visibility.ts stated in SQL.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { hasRole, isIdOf, pagesByParent, paginateById, type ConnectionShape, type Money, type PageArgs, type Viewer } from '@foule/shared';
import { ContestEntity } from './domain/contest.entity';
import { categoryKey } from './domain/contest-rules';
import { EntryEntity, EntryRevisionEntity, EntrySimilarityEntity } from './domain/entry.entities';
import type { EntryStatus } from './domain/entry-status.machine';

/** The same rules in SQL, for entries `t` joined with their contest `c`; $3 is the viewer's id ('' when anonymous), $4 whether they are an admin. */
const VISIBLE_ENTRY_SQL = `(c.status <> 'DRAFT' OR c.holder_id = $3 OR $4)
  AND (NOT c.blind OR c.status = 'COMPLETED' OR c.holder_id = $3 OR $4 OR t.designer_id = $3)`;
const ENTRIES_WITH_CONTEST = 'contest.entries t JOIN contest.contests c ON c.id = t.contest_id';

export interface ContestFilterArgs {
  status?: string | null;
  category?: string | null;
}

@Injectable()
export class ContestQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  contestsByIds(ids: readonly string[]): Promise<ContestEntity[]> {
    const valid = ids.filter((id) => isIdOf('contest', id));
    return valid.length ? this.dataSource.getRepository(ContestEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  entriesByIds(ids: readonly string[]): Promise<EntryEntity[]> {
    const valid = ids.filter((id) => isIdOf('entry', id));
    return valid.length ? this.dataSource.getRepository(EntryEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /** Browse by status and category, keyset pages; drafts only for their holder (and admins). */
  listContests(filter: ContestFilterArgs, page: PageArgs, viewer: Viewer | null): Promise<ConnectionShape<ContestEntity>> {
    const query = this.dataSource.getRepository(ContestEntity).createQueryBuilder('contest');
    if (filter.status) query.andWhere('contest.status = :status', { status: filter.status });
    if (filter.category?.trim()) query.andWhere('contest.categoryKey = :category', { category: categoryKey(filter.category) });
    if (!hasRole(viewer, 'ADMIN')) query.andWhere(`(contest.status <> 'DRAFT' OR contest.holderId = :viewerId)`, { viewerId: viewer?.profileId ?? '' });
    return paginateById(query, page);
  }

  contestsOfHolders(holderIds: readonly string[], page: PageArgs, viewer: Viewer | null): Promise<ConnectionShape<ContestEntity>[]> {
    return pagesByParent(
      this.dataSource,
      ContestEntity,
      { from: 'contest.contests t', parentColumn: 't.holder_id', where: `t.status <> 'DRAFT' OR t.holder_id = $3 OR $4`, params: this.viewerParams(viewer) },
      holderIds,
      page,
      (contest) => contest.holderId,
    );
  }

  /** Campaign.contests: every contest linked to each campaign that the viewer may see, oldest first. */
  async contestsOfCampaigns(campaignIds: readonly string[], viewer: Viewer | null): Promise<ContestEntity[]> {
    const valid = campaignIds.filter((id) => isIdOf('campaign', id));
    if (!valid.length) return [];
    const query = this.dataSource
      .getRepository(ContestEntity)
      .createQueryBuilder('contest')
      .where('contest.campaignId IN (:...valid)', { valid })
      .orderBy('contest.id');
    if (!hasRole(viewer, 'ADMIN')) query.andWhere(`(contest.status <> 'DRAFT' OR contest.holderId = :viewerId)`, { viewerId: viewer?.profileId ?? '' });
    return query.getMany();
  }

  entriesOfContests(contestIds: readonly string[], page: PageArgs, status: EntryStatus | null, viewer: Viewer | null): Promise<ConnectionShape<EntryEntity>[]> {
    return pagesByParent(
      this.dataSource,
      EntryEntity,
      { from: ENTRIES_WITH_CONTEST, parentColumn: 't.contest_id', where: `${VISIBLE_ENTRY_SQL} AND ($5::text IS NULL OR t.status = $5)`, params: [...this.viewerParams(viewer), status] },
      contestIds,
      page,
      (entry) => entry.contestId,
    );
  }

  entriesOfDesigners(designerIds: readonly string[], page: PageArgs, viewer: Viewer | null): Promise<ConnectionShape<EntryEntity>[]> {
    return pagesByParent(
      this.dataSource,
      EntryEntity,
      { from: ENTRIES_WITH_CONTEST, parentColumn: 't.designer_id', where: VISIBLE_ENTRY_SQL, params: this.viewerParams(viewer) },
      designerIds,
      page,
      (entry) => entry.designerId,
    );
  }

  /** entriesCount and designersCount of each contest: entries not withdrawn, and their distinct designers. */
  async counts(contestIds: readonly string[]): Promise<Map<string, { entries: number; designers: number }>> {
    const rows = await this.dataSource.query<{ contest_id: string; entries: string; designers: string }[]>(
      `SELECT contest_id, count(*) AS entries, count(DISTINCT designer_id) AS designers FROM contest.entries
        WHERE contest_id = ANY($1) AND status <> 'WITHDRAWN' GROUP BY contest_id`,
      [[...contestIds]],
    );
    const counts = new Map(rows.map((row) => [row.contest_id, { entries: Number(row.entries), designers: Number(row.designers) }]));
    for (const id of contestIds) if (!counts.has(id)) counts.set(id, { entries: 0, designers: 0 });
    return counts;
  }

  /** Every revision of each entry, newest first. */
  revisionsOfEntries(entryIds: readonly string[]): Promise<EntryRevisionEntity[]> {
    return this.dataSource.getRepository(EntryRevisionEntity).find({ where: { entryId: In([...entryIds]) }, order: { revision: 'DESC' } });
  }

  similaritiesOfEntries(entryIds: readonly string[]): Promise<EntrySimilarityEntity[]> {
    return this.dataSource.getRepository(EntrySimilarityEntity).find({ where: { entryId: In([...entryIds]) }, order: { distance: 'ASC', similarEntryId: 'ASC' } });
  }

  /** CrowdStats: contests held (opened), entries submitted, contests won and prize money won, per profile. */
  async crowdStats(profileIds: readonly string[]) {
    const ids = [...profileIds];
    const [held, entries, awards] = await Promise.all([
      this.dataSource.query<{ id: string; count: string }[]>(
        `SELECT holder_id AS id, count(*) AS count FROM contest.contests WHERE holder_id = ANY($1) AND status <> 'DRAFT' GROUP BY 1`,
        [ids],
      ),
      this.dataSource.query<{ id: string; count: string }[]>(`SELECT designer_id AS id, count(*) AS count FROM contest.entries WHERE designer_id = ANY($1) GROUP BY 1`, [ids]),
      this.dataSource.query<{ id: string; currency: string; won: string; amount: string }[]>(
        `SELECT designer_id AS id, currency, count(*) FILTER (WHERE kind = 'WINNER') AS won, sum(amount) AS amount
           FROM contest.prize_awards WHERE designer_id = ANY($1) GROUP BY 1, 2 ORDER BY 2`,
        [ids],
      ),
    ]);
    const stats = new Map(ids.map((id) => [id, { contestsHeld: 0, entriesSubmitted: 0, contestsWon: 0, prizeMoneyWon: [] as Money[] }]));
    for (const row of held) stats.get(row.id)!.contestsHeld = Number(row.count);
    for (const row of entries) stats.get(row.id)!.entriesSubmitted = Number(row.count);
    for (const row of awards) {
      const own = stats.get(row.id)!;
      own.contestsWon += Number(row.won);
      own.prizeMoneyWon.push({ amount: Number(row.amount), currency: row.currency.trim() });
    }
    return stats;
  }

  private viewerParams(viewer: Viewer | null): [string, boolean] {
    return [viewer?.profileId ?? '', hasRole(viewer, 'ADMIN')];
  }
}
