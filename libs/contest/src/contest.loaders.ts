/**
 * The request's DataLoaders for contests, in one place: every resolver that needs a contest,
 * an entry, its revisions, counts or pages asks here, so a page of 50 entries costs the same
 * statements as a page of 5.
 */
import { Injectable } from '@nestjs/common';
import { FilesFacade, type StoredAsset } from '@foule/files';
import { byKeys, groupByKeys, type ConnectionShape, type GraphQLContext, type PageArgs } from '@foule/shared';
import { ContestQueries } from './contest-queries.service';
import type { ContestEntity } from './domain/contest.entity';
import type { EntryEntity, EntryRevisionEntity, EntrySimilarityEntity } from './domain/entry.entities';
import type { EntryStatus } from './domain/entry-status.machine';

@Injectable()
export class ContestLoaders {
  constructor(
    private readonly queries: ContestQueries,
    private readonly files: FilesFacade,
  ) {}

  asset(context: GraphQLContext, id: string): Promise<StoredAsset | null> {
    return context.loaders.get<string, StoredAsset | null>('contest.assetById', (ids) => this.files.findAssets(ids)).load(id);
  }

  contest(context: GraphQLContext, id: string): Promise<ContestEntity | null> {
    return context.loaders
      .get<string, ContestEntity | null>('contest.contestById', async (ids) => byKeys(ids, await this.queries.contestsByIds(ids), (row) => row.id))
      .load(id);
  }

  entry(context: GraphQLContext, id: string): Promise<EntryEntity | null> {
    return context.loaders.get<string, EntryEntity | null>('contest.entryById', async (ids) => byKeys(ids, await this.queries.entriesByIds(ids), (row) => row.id)).load(id);
  }

  counts(context: GraphQLContext, contestId: string): Promise<{ entries: number; designers: number }> {
    return context.loaders
      .get<string, { entries: number; designers: number }>('contest.counts', async (ids) => {
        const counts = await this.queries.counts(ids);
        return ids.map((id) => counts.get(id)!);
      })
      .load(contestId);
  }

  revisionsOf(context: GraphQLContext, entryId: string): Promise<EntryRevisionEntity[]> {
    return context.loaders
      .get<string, EntryRevisionEntity[]>('contest.revisionsOfEntry', async (ids) => groupByKeys(ids, await this.queries.revisionsOfEntries(ids), (row) => row.entryId))
      .load(entryId);
  }

  similaritiesOf(context: GraphQLContext, entryId: string): Promise<EntrySimilarityEntity[]> {
    return context.loaders
      .get<string, EntrySimilarityEntity[]>('contest.similaritiesOfEntry', async (ids) =>
        groupByKeys(ids, await this.queries.similaritiesOfEntries(ids), (row) => row.entryId),
      )
      .load(entryId);
  }

  entriesOf(context: GraphQLContext, contestId: string, page: PageArgs, status: EntryStatus | null): Promise<ConnectionShape<EntryEntity>> {
    return context.loaders
      .get<string, ConnectionShape<EntryEntity>>(`contest.entriesOfContest:${page.first ?? ''}:${page.after ?? ''}:${status ?? ''}`, (ids) =>
        this.queries.entriesOfContests(ids, page, status, context.viewer),
      )
      .load(contestId);
  }

  contestsOfHolder(context: GraphQLContext, holderId: string, page: PageArgs): Promise<ConnectionShape<ContestEntity>> {
    return context.loaders
      .get<string, ConnectionShape<ContestEntity>>(`contest.contestsOfHolder:${page.first ?? ''}:${page.after ?? ''}`, (ids) =>
        this.queries.contestsOfHolders(ids, page, context.viewer),
      )
      .load(holderId);
  }

  contestsOfCampaign(context: GraphQLContext, campaignId: string): Promise<ContestEntity[]> {
    return context.loaders
      .get<string, ContestEntity[]>('contest.contestsOfCampaign', async (ids) =>
        groupByKeys(ids, await this.queries.contestsOfCampaigns(ids, context.viewer), (row) => row.campaignId!),
      )
      .load(campaignId);
  }

  entriesOfDesigner(context: GraphQLContext, designerId: string, page: PageArgs): Promise<ConnectionShape<EntryEntity>> {
    return context.loaders
      .get<string, ConnectionShape<EntryEntity>>(`contest.entriesOfDesigner:${page.first ?? ''}:${page.after ?? ''}`, (ids) =>
        this.queries.entriesOfDesigners(ids, page, context.viewer),
      )
      .load(designerId);
  }
}
