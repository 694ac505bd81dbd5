import { Module, type OnModuleInit } from '@nestjs/common';
import { CommunityFacade, CommunityModule } from '@foule/community';
import { PaymentsModule } from '@foule/payments';
import { FilesModule } from '@foule/files';
import { FundingFacade, FundingModule } from '@foule/funding';
import { NodeRegistry, type GraphQLContext } from '@foule/shared';
import { ContestCommentsResolver, EntryCommentsResolver } from './community/contest-comments.resolver';
import { ContestCommunity } from './community/contest-community';
import { ContestEvents } from './domain/contest-events';
import { ContestFacade } from './contest.facade';
import { ContestLoaders } from './contest.loaders';
import { ContestQueries } from './contest-queries.service';
import { canSeeContest, canSeeEntry } from './contest-visibility';
import { ContestGate } from './domain/contest.gate';
import { ContestMoney } from './contests/contest-money.service';
import { CampaignContestsResolver, ContestResolver, ProfileContestsResolver } from './contests/contest.resolver';
import { ContestRounds } from './contests/contest-rounds.service';
import { ContestService } from './contests/contest.service';
import { royaltyOutcomes } from './contests/royalty-outcomes';
import { EntryGate } from './domain/entry.gate';
import { EntrySubmissions } from './entries/entry-submissions';
import { EntryResolver, EntryRevisionResolver } from './entries/entry.resolver';
import { EntryService } from './entries/entry.service';
import { POLL_PROVIDERS } from './polls/poll.providers';

@Module({
  imports: [CommunityModule, PaymentsModule, FilesModule, FundingModule],
  providers: [
    ContestQueries,
    ContestLoaders,
    ContestEvents,
    ContestCommunity,
    ContestCommentsResolver,
    EntryCommentsResolver,
    ContestGate,
    EntryGate,
    ContestMoney,
    ContestRounds,
    ContestService,
    EntrySubmissions,
    EntryService,
    ContestFacade,
    ContestResolver,
    ProfileContestsResolver,
    CampaignContestsResolver,
    EntryResolver,
    EntryRevisionResolver,
    ...POLL_PROVIDERS,
  ],
  exports: [ContestFacade],
})
export class ContestModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly loaders: ContestLoaders,
    private readonly queries: ContestQueries,
    private readonly community: CommunityFacade,
    private readonly contestCommunity: ContestCommunity,
    private readonly funding: FundingFacade,
  ) {}

  onModuleInit(): void {
    // node(id) answers null for what the viewer may not see, as contest(id) and entry(id) do.
    this.nodes.register('contest', async (id, context) => {
      const contest = await this.loaders.contest(context as GraphQLContext, id);
      return contest && canSeeContest((context as GraphQLContext).viewer, contest) ? contest : null;
    });
    this.nodes.register('entry', async (id, context) => {
      const ctx = context as GraphQLContext;
      const entry = await this.loaders.entry(ctx, id);
      const contest = entry && (await this.loaders.contest(ctx, entry.contestId));
      return entry && contest && canSeeEntry(ctx.viewer, entry, contest) ? entry : null;
    });
    this.community.registerCrowdStats((profileIds) => this.queries.crowdStats(profileIds));
    this.contestCommunity.register();
    // At each payout of a campaign, whether its royalty contests have a winner (issue #10, part 7).
    this.funding.registerRoyaltyOutcomes((manager, contestIds) => royaltyOutcomes(manager, contestIds));
  }
}
