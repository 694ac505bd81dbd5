/** Thin resolvers for entries and their revisions: authorize, call one service, resolve fields through ContestLoaders. */
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import { AssetModel, FilesFacade } from '@foule/files';
import { CurrentViewer, DomainError, LoaderRegistry, Public, SignedIn, hasRole, type GraphQLContext, type Viewer } from '@foule/shared';
import { ContestLoaders } from '../contest.loaders';
import { ReviseEntryInput, SubmitEntryInput } from '../contest.inputs';
import { ContestModel, EntryModel, EntryRevisionModel, SimilarEntryModel } from '../contest.models';
import { canSeeContest, canSeeEntry } from '../contest-visibility';
import { EntrySubmissions, type EntrySubmittedEvent } from './entry-submissions';
import type { EntryEntity, EntryRevisionEntity } from '../domain/entry.entities';
import { EntryService } from './entry.service';

@Public()
@Resolver(() => EntryModel)
export class EntryResolver {
  constructor(
    private readonly service: EntryService,
    private readonly loaders: ContestLoaders,
    private readonly community: CommunityFacade,
    private readonly submissions: EntrySubmissions,
  ) {}

  /** Each new entry of the contest that the subscriber may see (in a blind contest: the holder, admins and its designer). */
  @Public()
  @Subscription(() => EntryModel, {
    description: 'respects blind contests',
    async filter(this: EntryResolver, event: EntrySubmittedEvent, _args: unknown, context: GraphQLContext) {
      // A subscription's context lives as long as the subscription: fresh loaders per event.
      context.loaders = new LoaderRegistry();
      const entry = await this.loaders.entry(context, event.entryId);
      return Boolean(entry && (await this.visible(context, entry)));
    },
    resolve(this: EntryResolver, event: EntrySubmittedEvent, _args: unknown, context: GraphQLContext) {
      return this.loaders.entry(context, event.entryId);
    },
  })
  async entrySubmitted(@Args('contestId', { type: () => ID }) contestId: string, @Context() context: GraphQLContext) {
    const contest = await this.loaders.contest(context, contestId);
    if (!contest || !canSeeContest(context.viewer, contest)) throw DomainError.notFound('Contest', contestId);
    return this.submissions.subscribe(contestId);
  }

  @Public()
  @Query(() => EntryModel, { nullable: true })
  async entry(@Args('id', { type: () => ID }) id: string, @Context() context: GraphQLContext) {
    const entry = await this.loaders.entry(context, id);
    return entry && (await this.visible(context, entry)) ? entry : null;
  }

  @SignedIn()
  @Mutation(() => EntryModel)
  submitEntry(@CurrentViewer() viewer: Viewer, @Args('input') input: SubmitEntryInput) {
    return this.service.submit(viewer, input);
  }

  @SignedIn()
  @Mutation(() => EntryModel)
  reviseEntry(@CurrentViewer() viewer: Viewer, @Args('input') input: ReviseEntryInput) {
    return this.service.revise(viewer, input);
  }

  @SignedIn()
  @Mutation(() => EntryModel)
  withdrawEntry(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string) {
    return this.service.withdraw(viewer, id);
  }

  @SignedIn()
  @Mutation(() => EntryModel)
  rateEntry(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string, @Args('stars', { type: () => Int }) stars: number) {
    return this.service.rate(viewer, id, stars);
  }

  @SignedIn()
  @Mutation(() => EntryModel)
  eliminateEntry(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.service.eliminate(viewer, id, reason);
  }

  @Public()
  @ResolveField(() => ContestModel)
  async contest(@Parent() entry: EntryEntity, @Context() context: GraphQLContext) {
    return this.loaders.contest(context, entry.contestId);
  }

  @Public()
  @ResolveField(() => ProfileModel)
  designer(@Parent() entry: EntryEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, entry.designerId);
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: "the holder's 1-5 stars; visible to the holder and the entry's designer only" })
  async rating(@Parent() entry: EntryEntity, @Context() context: GraphQLContext) {
    const viewer = context.viewer;
    if (!viewer) return null;
    if (viewer.profileId === entry.designerId) return entry.rating;
    const contest = await this.loaders.contest(context, entry.contestId);
    return contest?.holderId === viewer.profileId ? entry.rating : null;
  }

  @Public()
  @ResolveField(() => EntryRevisionModel)
  async currentRevision(@Parent() entry: EntryEntity, @Context() context: GraphQLContext) {
    const [newest] = await this.loaders.revisionsOf(context, entry.id);
    if (!newest) throw DomainError.notFound('Revision of entry', entry.id);
    return newest;
  }

  @Public()
  @ResolveField(() => [EntryRevisionModel], { description: 'newest first' })
  revisions(@Parent() entry: EntryEntity, @Context() context: GraphQLContext) {
    return this.loaders.revisionsOf(context, entry.id);
  }

  @Public()
  @ResolveField(() => [SimilarEntryModel], { description: 'earlier entries of other designers in the same contest that look nearly the same; the holder and admins only' })
  async similarTo(@Parent() entry: EntryEntity, @Context() context: GraphQLContext) {
    const contest = await this.loaders.contest(context, entry.contestId);
    if (!contest || (context.viewer?.profileId !== contest.holderId && !hasRole(context.viewer, 'ADMIN'))) return [];
    const similar = await this.loaders.similaritiesOf(context, entry.id);
    const entries = await Promise.all(similar.map((row) => this.loaders.entry(context, row.similarEntryId)));
    return similar.flatMap((row, index) => (entries[index] ? [{ entry: entries[index], distance: row.distance }] : []));
  }

  private async visible(context: GraphQLContext, entry: EntryEntity): Promise<boolean> {
    const contest = await this.loaders.contest(context, entry.contestId);
    return Boolean(contest && canSeeEntry(context.viewer, entry, contest));
  }
}

@Public()
@Resolver(() => EntryRevisionModel)
export class EntryRevisionResolver {
  constructor(
    private readonly loaders: ContestLoaders,
    private readonly files: FilesFacade,
  ) {}

  /** Reached only through an entry the viewer may see; the assets' URLs are signed and short-lived. */
  @Public()
  @ResolveField(() => [AssetModel])
  async assets(@Parent() revision: EntryRevisionEntity, @Context() context: GraphQLContext) {
    const assets = await Promise.all(revision.assetIds.map((id) => this.loaders.asset(context, id)));
    return assets.flatMap((asset) => (asset ? [this.files.toAssetModel(asset)] : []));
  }
}
