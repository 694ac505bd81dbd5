/**
 * Thin resolvers for campaigns, their tiers, stretch goals and updates: authorize, call one
 * service, and resolve fields through the request's DataLoaders (FundingLoaders), so a page
 * of campaigns costs a constant number of queries.
 */
import { Inject } from '@nestjs/common';
import { Args, Context, Float, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import {
  CurrentViewer,
  DomainError,
  LoaderRegistry,
  MoneyType,
  Public,
  SignedIn,
  hasRole,
  type GraphQLContext,
  type Viewer,
} from '@foule/shared';
import { FundingLoaders } from '../funding.loaders';
import { CampaignFilter, CampaignUpdateInput, CreateCampaignInput, RewardTierInput, StretchGoalInput, UpdateCampaignInput } from '../funding.inputs';
import {
  CampaignConnection,
  CampaignModel,
  CampaignUpdateConnection,
  CampaignUpdateModel,
  PledgeConnection,
  PledgeModel,
  RewardTierModel,
  StretchGoalModel,
} from '../funding.models';
import { CampaignProgress, type CampaignProgressEvent } from './campaign-progress';
import { CampaignQueries, canSeeCampaign } from './campaign-queries.service';
import { percentFunded, stretchGoalReached } from './campaign-rules';
import { CampaignService } from './campaign.service';
import type { CampaignEntity, CampaignUpdateEntity, RewardTierEntity, StretchGoalEntity } from './campaign.entities';

const pageArgs = { type: () => Int, nullable: true, defaultValue: 20 } as const;

@Public()
@Resolver(() => CampaignModel)
export class CampaignResolver {
  constructor(
    private readonly service: CampaignService,
    private readonly queries: CampaignQueries,
    private readonly loaders: FundingLoaders,
    private readonly community: CommunityFacade,
    @Inject(CampaignProgress) private readonly progress: CampaignProgress,
  ) {}

  @Public()
  @Query(() => CampaignModel, { nullable: true })
  async campaign(@Args('id', { type: () => ID }) id: string, @Context() context: GraphQLContext) {
    const campaign = await this.loaders.campaign(context, id);
    return campaign && canSeeCampaign(context.viewer, campaign) ? campaign : null;
  }

  @Public()
  @Query(() => CampaignModel, { nullable: true })
  async campaignBySlug(@Args('slug') slug: string, @CurrentViewer() viewer: Viewer | null) {
    const campaign = await this.queries.campaignBySlug(slug);
    return campaign && canSeeCampaign(viewer, campaign) ? campaign : null;
  }

  @Public()
  @Query(() => CampaignConnection)
  campaigns(
    @CurrentViewer() viewer: Viewer | null,
    @Args('filter', { type: () => CampaignFilter, nullable: true }) filter: CampaignFilter | null,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.queries.listCampaigns(filter ?? {}, { first, after }, viewer);
  }

  @SignedIn()
  @Mutation(() => CampaignModel)
  createCampaign(@CurrentViewer() viewer: Viewer, @Args('input') input: CreateCampaignInput) {
    return this.service.create(viewer, input);
  }

  @SignedIn()
  @Mutation(() => CampaignModel)
  updateCampaign(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateCampaignInput) {
    return this.service.update(viewer, id, input);
  }

  @SignedIn()
  @Mutation(() => CampaignModel)
  removeRewardTier(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string) {
    return this.service.removeRewardTier(viewer, id);
  }

  @SignedIn()
  @Mutation(() => CampaignModel)
  launchCampaign(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string) {
    return this.service.launch(viewer, id);
  }

  @SignedIn()
  @Mutation(() => CampaignModel)
  cancelCampaign(
    @CurrentViewer() viewer: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.service.cancel(viewer, id, reason);
  }

  /** Every change to a campaign's pledges or status; each event carries the campaign as it is now. */
  @Public()
  @Subscription(() => CampaignModel, {
    resolve(this: CampaignResolver, event: CampaignProgressEvent, _args: unknown, context: GraphQLContext) {
      // A subscription's context lives as long as the subscription: fresh loaders per event,
      // so totals and remaining units are read anew each time.
      context.loaders = new LoaderRegistry();
      return this.loaders.campaign(context, event.campaignId);
    },
  })
  async campaignProgress(@Args('campaignId', { type: () => ID }) campaignId: string, @Context() context: GraphQLContext) {
    const campaign = await this.loaders.campaign(context, campaignId);
    if (!campaign || !canSeeCampaign(context.viewer, campaign)) throw DomainError.notFound('Campaign', campaignId);
    return this.progress.subscribe(campaignId);
  }

  @Public()
  @ResolveField(() => ProfileModel)
  creator(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, campaign.creatorId);
  }

  @Public()
  @ResolveField(() => MoneyType)
  goal(@Parent() campaign: CampaignEntity) {
    return MoneyType.of({ amount: campaign.goalAmount, currency: campaign.currency });
  }

  @Public()
  @ResolveField(() => MoneyType, { description: 'live pledges: PENDING + COLLECTED + PAYMENT_FAILED' })
  async pledged(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    const totals = await this.loaders.totals(context, campaign.id);
    return MoneyType.of({ amount: totals.pledged, currency: campaign.currency });
  }

  @Public()
  @ResolveField(() => MoneyType, { description: 'charged and not refunded' })
  async collected(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    const totals = await this.loaders.totals(context, campaign.id);
    return MoneyType.of({ amount: totals.collected, currency: campaign.currency });
  }

  @Public()
  @ResolveField(() => Float, { description: 'pledged / goal, in percent' })
  async percentFunded(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return percentFunded((await this.loaders.totals(context, campaign.id)).pledged, campaign.goalAmount);
  }

  @Public()
  @ResolveField(() => Int)
  async backersCount(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return (await this.loaders.totals(context, campaign.id)).backers;
  }

  @Public()
  @ResolveField(() => [RewardTierModel])
  rewardTiers(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.loaders.tiersOf(context, campaign.id);
  }

  @Public()
  @ResolveField(() => [StretchGoalModel])
  stretchGoals(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.loaders.stretchGoalsOf(context, campaign.id);
  }

  @Public()
  @ResolveField(() => CampaignUpdateConnection)
  updates(
    @Parent() campaign: CampaignEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.loaders.updatesOf(context, campaign.id, { first, after });
  }

  @Public()
  @ResolveField(() => PledgeConnection, { description: 'the creator and admins only (FORBIDDEN for anyone else)' })
  pledges(
    @Parent() campaign: CampaignEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    if (!context.viewer) throw DomainError.unauthenticated("Sign in as the campaign's creator to see its backers");
    if (context.viewer.profileId !== campaign.creatorId && !hasRole(context.viewer, 'ADMIN')) {
      throw DomainError.forbidden("Only the campaign's creator and admins see its pledges");
    }
    return this.loaders.pledgesOf(context, campaign.id, { first, after });
  }

  @Public()
  @ResolveField(() => PledgeModel, { nullable: true, description: "the signed-in viewer's pledge: the live one, else the latest" })
  viewerPledge(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.loaders.viewerPledge(context, campaign.id);
  }
}

@Public()
@Resolver(() => RewardTierModel)
export class RewardTierResolver {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly loaders: FundingLoaders,
  ) {}

  @SignedIn()
  @Mutation(() => RewardTierModel)
  addRewardTier(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string, @Args('input') input: RewardTierInput) {
    return this.campaigns.addRewardTier(viewer, campaignId, input);
  }

  @SignedIn()
  @Mutation(() => RewardTierModel)
  updateRewardTier(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string, @Args('input') input: RewardTierInput) {
    return this.campaigns.updateRewardTier(viewer, id, input);
  }

  @Public()
  @ResolveField(() => MoneyType)
  async minimum(@Parent() tier: RewardTierEntity, @Context() context: GraphQLContext) {
    const campaign = await this.loaders.campaign(context, tier.campaignId);
    return MoneyType.of({ amount: tier.minimum, currency: campaign!.currency });
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: 'null: unlimited' })
  limit(@Parent() tier: RewardTierEntity) {
    return tier.quantityLimit;
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: 'null: unlimited; never below 0' })
  remaining(@Parent() tier: RewardTierEntity) {
    return tier.quantityLimit === null ? null : Math.max(0, tier.quantityLimit - tier.claimed);
  }

  @Public()
  @ResolveField(() => Int, { description: 'live pledges on this tier' })
  backersCount(@Parent() tier: RewardTierEntity) {
    return tier.claimed;
  }
}

@Public()
@Resolver(() => StretchGoalModel)
export class StretchGoalResolver {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly loaders: FundingLoaders,
  ) {}

  @SignedIn()
  @Mutation(() => StretchGoalModel)
  addStretchGoal(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string, @Args('input') input: StretchGoalInput) {
    return this.campaigns.addStretchGoal(viewer, campaignId, input);
  }

  @Public()
  @ResolveField(() => MoneyType)
  async target(@Parent() goal: StretchGoalEntity, @Context() context: GraphQLContext) {
    const campaign = await this.loaders.campaign(context, goal.campaignId);
    return MoneyType.of({ amount: goal.target, currency: campaign!.currency });
  }

  @Public()
  @ResolveField(() => Boolean, { description: 'what is pledged reached the target' })
  async reached(@Parent() goal: StretchGoalEntity, @Context() context: GraphQLContext) {
    return stretchGoalReached((await this.loaders.totals(context, goal.campaignId)).pledged, goal.target);
  }
}

@Public()
@Resolver(() => CampaignUpdateModel)
export class CampaignUpdateResolver {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly loaders: FundingLoaders,
    private readonly community: CommunityFacade,
  ) {}

  @SignedIn()
  @Mutation(() => CampaignUpdateModel)
  postCampaignUpdate(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string, @Args('input') input: CampaignUpdateInput) {
    return this.campaigns.postUpdate(viewer, campaignId, input);
  }

  @Public()
  @ResolveField(() => String, { nullable: true, description: 'null for non-backers when backersOnly' })
  async body(@Parent() update: CampaignUpdateEntity, @Context() context: GraphQLContext) {
    if (!update.backersOnly) return update.body;
    const viewer = context.viewer;
    if (!viewer) return null;
    if (viewer.profileId === update.authorId || hasRole(viewer, 'ADMIN')) return update.body;
    const campaign = await this.loaders.campaign(context, update.campaignId);
    if (campaign?.creatorId === viewer.profileId) return update.body;
    const pledge = await this.loaders.viewerPledge(context, update.campaignId);
    return pledge && ['PENDING', 'COLLECTED', 'PAYMENT_FAILED'].includes(pledge.status) ? update.body : null;
  }

  @Public()
  @ResolveField(() => ProfileModel)
  author(@Parent() update: CampaignUpdateEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, update.authorId);
  }
}

@Public()
@Resolver(() => ProfileModel)
export class ProfileCampaignsResolver {
  constructor(private readonly loaders: FundingLoaders) {}

  @Public()
  @ResolveField(() => CampaignConnection, { description: "the profile's campaigns; drafts only for their creator" })
  campaigns(
    @Parent() profile: { id: string },
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.loaders.campaignsOf(context, profile.id, { first, after });
  }
}
