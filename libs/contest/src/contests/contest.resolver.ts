/**
 * Thin resolvers for contests: authorize, call one service, and resolve fields through the
 * request's DataLoaders (ContestLoaders), so a page of contests or entries costs a constant
 * number of statements.
 */
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import { CampaignModel, FundingFacade } from '@foule/funding';
import { CurrentViewer, MoneyType, Public, SignedIn, type GraphQLContext, type Viewer } from '@foule/shared';
import { ContestLoaders } from '../contest.loaders';
import { CreateContestInput, OpenContestInput } from '../contest.inputs';
import { ContestConnection, ContestModel, ContestStatusEnum, EntryConnection, EntryModel, EntryStatusEnum } from '../contest.models';
import { ContestQueries } from '../contest-queries.service';
import { canSeeContest, canSeeEntry } from '../contest-visibility';
import type { EntryStatus } from '../domain/entry-status.machine';
import type { ContestEntity } from '../domain/contest.entity';
import type { ContestStatus } from '../domain/contest-status.machine';
import { ContestService } from './contest.service';

const pageArgs = (defaultValue: number) => ({ type: () => Int, nullable: true, defaultValue }) as const;
const afterArg = { type: () => String, nullable: true } as const;

@Public()
@Resolver(() => ContestModel)
export class ContestResolver {
  constructor(
    private readonly service: ContestService,
    private readonly queries: ContestQueries,
    private readonly loaders: ContestLoaders,
    private readonly community: CommunityFacade,
    private readonly funding: FundingFacade,
  ) {}

  @Public()
  @Query(() => ContestModel, { nullable: true })
  async contest(@Args('id', { type: () => ID }) id: string, @Context() context: GraphQLContext) {
    const contest = await this.loaders.contest(context, id);
    return contest && canSeeContest(context.viewer, contest) ? contest : null;
  }

  @Public()
  @Query(() => ContestConnection)
  contests(
    @CurrentViewer() viewer: Viewer | null,
    @Args('status', { type: () => ContestStatusEnum, nullable: true }) status: ContestStatus | null,
    @Args('category', { type: () => String, nullable: true }) category: string | null,
    @Args('first', pageArgs(20)) first: number,
    @Args('after', afterArg) after: string | null,
  ) {
    return this.queries.listContests({ status, category }, { first, after }, viewer);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  createContest(@CurrentViewer() viewer: Viewer, @Args('input') input: CreateContestInput) {
    return this.service.create(viewer, input);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  openContest(@CurrentViewer() viewer: Viewer, @Args('input') input: OpenContestInput) {
    return this.service.open(viewer, input);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  cancelContest(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.service.cancel(viewer, id, reason);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  selectFinalists(
    @CurrentViewer() viewer: Viewer,
    @Args('contestId', { type: () => ID }) contestId: string,
    @Args('entryIds', { type: () => [ID] }) entryIds: string[],
  ) {
    return this.service.selectFinalists(viewer, contestId, entryIds);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  pickWinner(@CurrentViewer() viewer: Viewer, @Args('contestId', { type: () => ID }) contestId: string, @Args('entryId', { type: () => ID }) entryId: string) {
    return this.service.pickWinner(viewer, contestId, entryId);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  deliverHandover(
    @CurrentViewer() viewer: Viewer,
    @Args('contestId', { type: () => ID }) contestId: string,
    @Args('assetIds', { type: () => [ID] }) assetIds: string[],
  ) {
    return this.service.deliverHandover(viewer, contestId, assetIds);
  }

  @SignedIn()
  @Mutation(() => ContestModel)
  approveHandover(@CurrentViewer() viewer: Viewer, @Args('contestId', { type: () => ID }) contestId: string) {
    return this.service.approveHandover(viewer, contestId);
  }

  @Public()
  @ResolveField(() => ProfileModel)
  holder(@Parent() contest: ContestEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, contest.holderId);
  }

  @Public()
  @ResolveField(() => CampaignModel, { nullable: true, description: 'the campaign this contest designs for, if any' })
  campaign(@Parent() contest: ContestEntity, @Context() context: GraphQLContext) {
    return contest.campaignId ? this.funding.visibleCampaign(context, contest.campaignId) : null;
  }

  @Public()
  @ResolveField(() => MoneyType)
  prize(@Parent() contest: ContestEntity) {
    return MoneyType.of({ amount: contest.prizeAmount, currency: contest.currency });
  }

  @Public()
  @ResolveField(() => EntryConnection, { description: 'in blind contests, a designer sees only their own entries, others none until COMPLETED; the holder sees all' })
  entries(
    @Parent() contest: ContestEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs(50)) first: number,
    @Args('after', afterArg) after: string | null,
    @Args('status', { type: () => EntryStatusEnum, nullable: true }) status: EntryStatus | null,
  ) {
    return this.loaders.entriesOf(context, contest.id, { first, after }, status);
  }

  @Public()
  @ResolveField(() => Int, { description: 'entries not withdrawn' })
  async entriesCount(@Parent() contest: ContestEntity, @Context() context: GraphQLContext) {
    return (await this.loaders.counts(context, contest.id)).entries;
  }

  @Public()
  @ResolveField(() => Int)
  async designersCount(@Parent() contest: ContestEntity, @Context() context: GraphQLContext) {
    return (await this.loaders.counts(context, contest.id)).designers;
  }

  @Public()
  @ResolveField(() => EntryModel, { nullable: true })
  async winner(@Parent() contest: ContestEntity, @Context() context: GraphQLContext) {
    if (!contest.winnerEntryId) return null;
    const entry = await this.loaders.entry(context, contest.winnerEntryId);
    return entry && canSeeEntry(context.viewer, entry, contest) ? entry : null;
  }
}

@Public()
@Resolver(() => CampaignModel)
export class CampaignContestsResolver {
  constructor(private readonly loaders: ContestLoaders) {}

  @Public()
  @ResolveField(() => [ContestModel], { description: 'design contests linked to this campaign; drafts only for their holder' })
  contests(@Parent() campaign: { id: string }, @Context() context: GraphQLContext) {
    return this.loaders.contestsOfCampaign(context, campaign.id);
  }
}

@Public()
@Resolver(() => ProfileModel)
export class ProfileContestsResolver {
  constructor(private readonly loaders: ContestLoaders) {}

  @Public()
  @ResolveField(() => ContestConnection, { description: "the profile's contests; drafts only for their holder" })
  contests(@Parent() profile: { id: string }, @Context() context: GraphQLContext, @Args('first', pageArgs(20)) first: number, @Args('after', afterArg) after: string | null) {
    return this.loaders.contestsOfHolder(context, profile.id, { first, after });
  }

  @Public()
  @ResolveField(() => EntryConnection, { description: "the profile's entries, as blind contests allow the viewer to see them" })
  entries(@Parent() profile: { id: string }, @Context() context: GraphQLContext, @Args('first', pageArgs(20)) first: number, @Args('after', afterArg) after: string | null) {
    return this.loaders.entriesOfDesigner(context, profile.id, { first, after });
  }
}
