/**
 * The read side of polls, each finder answering a whole batch of parents in one statement, and
 * the request's DataLoaders over them: a page of contests with their polls, options, counts and
 * the viewer's votes costs the same statements for 1 poll as for 50.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { FundingFacade } from '@foule/funding';
import { byKeys, groupByKeys, isIdOf, type GraphQLContext } from '@foule/shared';
import { PollEntity, PollOptionEntity, PollVoteEntity } from './poll.entities';

/** Votes per entry of one poll. */
export type PollCounts = Map<string, number>;

@Injectable()
export class PollQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  pollsByIds(ids: readonly string[]): Promise<PollEntity[]> {
    const valid = ids.filter((id) => isIdOf('poll', id));
    return valid.length ? this.dataSource.getRepository(PollEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  pollsOfContests(contestIds: readonly string[]): Promise<PollEntity[]> {
    return this.dataSource.getRepository(PollEntity).find({ where: { contestId: In([...contestIds]) }, order: { id: 'ASC' } });
  }

  optionsOfPolls(pollIds: readonly string[]): Promise<PollOptionEntity[]> {
    return this.dataSource.getRepository(PollOptionEntity).find({ where: { pollId: In([...pollIds]) }, order: { pollId: 'ASC', position: 'ASC' } });
  }

  async countsOfPolls(pollIds: readonly string[]): Promise<Map<string, PollCounts>> {
    const rows = await this.dataSource.query<{ poll_id: string; entry_id: string; votes: string }[]>(
      `SELECT poll_id, entry_id, count(*) AS votes FROM contest.poll_votes WHERE poll_id = ANY($1) GROUP BY poll_id, entry_id`,
      [[...pollIds]],
    );
    const counts = new Map(pollIds.map((id) => [id, new Map<string, number>()]));
    for (const row of rows) counts.get(row.poll_id)!.set(row.entry_id, Number(row.votes));
    return counts;
  }

  votesOf(voterId: string, pollIds: readonly string[]): Promise<PollVoteEntity[]> {
    return this.dataSource.getRepository(PollVoteEntity).findBy({ voterId, pollId: In([...pollIds]) });
  }
}

@Injectable()
export class PollLoaders {
  constructor(
    private readonly queries: PollQueries,
    private readonly funding: FundingFacade,
  ) {}

  poll(context: GraphQLContext, id: string): Promise<PollEntity | null> {
    return context.loaders.get<string, PollEntity | null>('contest.pollById', async (ids) => byKeys(ids, await this.queries.pollsByIds(ids), (row) => row.id)).load(id);
  }

  pollsOf(context: GraphQLContext, contestId: string): Promise<PollEntity[]> {
    return context.loaders
      .get<string, PollEntity[]>('contest.pollsOfContest', async (ids) => groupByKeys(ids, await this.queries.pollsOfContests(ids), (row) => row.contestId))
      .load(contestId);
  }

  options(context: GraphQLContext, pollId: string): Promise<PollOptionEntity[]> {
    return context.loaders
      .get<string, PollOptionEntity[]>('contest.optionsOfPoll', async (ids) => groupByKeys(ids, await this.queries.optionsOfPolls(ids), (row) => row.pollId))
      .load(pollId);
  }

  counts(context: GraphQLContext, pollId: string): Promise<PollCounts> {
    return context.loaders
      .get<string, PollCounts>('contest.countsOfPoll', async (ids) => {
        const counts = await this.queries.countsOfPolls(ids);
        return ids.map((id) => counts.get(id)!);
      })
      .load(pollId);
  }

  /** The entry the viewer voted for in the poll, or null (always null when anonymous, without a statement). */
  async viewerVote(context: GraphQLContext, pollId: string): Promise<string | null> {
    const viewerId = context.viewer?.profileId;
    if (!viewerId) return null;
    return context.loaders
      .get<string, string | null>('contest.viewerVoteOfPoll', async (ids) =>
        byKeys(ids, await this.queries.votesOf(viewerId, ids), (row) => row.pollId).map((vote) => vote?.entryId ?? null),
      )
      .load(pollId);
  }

  /** Whether the viewer backs the campaign (a PENDING or COLLECTED pledge): one facade question per request for every campaign asked. */
  async viewerBacks(context: GraphQLContext, campaignId: string): Promise<boolean> {
    const viewerId = context.viewer?.profileId;
    if (!viewerId) return false;
    return context.loaders
      .get<string, boolean>('contest.viewerBacksCampaign', async (ids) => {
        const backed = await this.funding.backedCampaigns(viewerId, ids);
        return ids.map((id) => backed.has(id));
      })
      .load(campaignId);
  }
}
