/**
 * Thin resolvers for campaigns, their tiers, stretch goals and updates: authorize, call one
 * service, and resolve fields through the request's DataLoaders (FundingLoaders), so a page
 * of campaigns costs a constant number of queries.
 */
import { Inject } from '@nestjs/common';
import { Args, Context, Float, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CommentConnection, CommunityFacade, ProfileModel } from '@foule/community';
import {
  CurrentViewer,
  DomainError,
  LoaderRegistry,
  MoneyType,
  Public,
  SignedIn,
  pageSize,
  toConnection,
  type GraphQLContext,
  type Viewer,
} from '@foule/shared';
import { FundingLoaders } from '../funding.loaders';
import { AddOnInput, CampaignFilter, CampaignUpdateInput, CreateCampaignInput, RewardTierInput, StretchGoalInput, UpdateCampaignInput } from '../funding.inputs';
import {
  AddOnModel,
  CampaignConnection,
  CollaboratorModel,
  CollaboratorRoleEnum,
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
import { CampaignCollaboratorService } from './campaign-collaborators.service';
import { permissionRefusal, type CollaboratorRole } from './campaign-permissions';
import { CampaignPrelaunchService } from './campaign-prelaunch.service';
import type {
  AddOnEntity,
  CampaignCollaboratorEntity,
  CampaignEntity,
  CampaignUpdateEntity,
  RewardTierEntity,
  StretchGoalEntity,
} from './campaign.entities';
import { latePledgesUntil } from '../pledges/payment-plan';

const pageArgs = { type: () => Int, nullable: true, defaultValue: 20 } as const;

const emptyConnection = (first: number) => toConnection<CampaignEntity, CampaignEntity>([], pageSize(first), { first }, 0, (row) => row.id);

@Public()
@Resolver(() => CampaignModel)
export class CampaignResolver {
  constructor(
    private readonly service: CampaignService,
    private readonly prelaunch: CampaignPrelaunchService,
    private readonly team: CampaignCollaboratorService,
    private readonly queries: CampaignQueries,
    private readonly loaders: FundingLoaders,
    private readonly community: CommunityFacade,
    @Inject(CampaignProgress) private readonly progress: CampaignProgress,
  ) {}

  @Public()
  @Query(() => CampaignModel, { nullable: true })
  campaign(@Args('id', { type: () => ID }) id: string, @Context() context: GraphQLContext) {
    return this.loaders.visibleCampaign(context, id);
  }

  @Public()
  @Query(() => CampaignModel, { nullable: true })
  async campaignBySlug(@Args('slug') slug: string, @Context() context: GraphQLContext) {
    const campaign = await this.queries.campaignBySlug(slug);
    return campaign && canSeeCampaign(await this.loaders.relation(context, campaign), campaign) ? campaign : null;
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
    // Bounded, like every String argument, by the input text check (MAX_STRING_ARGUMENT_LENGTH).
    @Args('reason', { type: () => String, nullable: true, description: 'at most 1000 characters' }) reason: string | null,
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
    if (!(await this.loaders.visibleCampaign(context, campaignId))) throw DomainError.notFound('Campaign', campaignId);
    return this.progress.subscribe(campaignId);
  }

  // The fields a campaign list asks for take graphql-js' own (parent, args, context) rather than
  // @Parent() and @Context(): without parameter decorators Nest hands the method to graphql-js
  // as it is, instead of running its parameter pipeline on every campaign of a page.
  @Public()
  @ResolveField(() => ProfileModel)
  creator(campaign: CampaignEntity, _args: unknown, context: GraphQLContext) {
    return this.community.loadProfile(context, campaign.creatorId);
  }

  @Public()
  @ResolveField(() => MoneyType)
  goal(campaign: CampaignEntity) {
    return MoneyType.of({ amount: campaign.goalAmount, currency: campaign.currency });
  }

  @Public()
  @ResolveField(() => MoneyType, { description: 'live pledges: PENDING + COLLECTED + PAYMENT_FAILED' })
  async pledged(campaign: CampaignEntity, _args: unknown, context: GraphQLContext) {
    const totals = await this.loaders.totals(context, campaign.id);
    return MoneyType.of({ amount: totals.pledged, currency: campaign.currency });
  }

  @Public()
  @ResolveField(() => MoneyType, { description: 'charged and not refunded' })
  async collected(campaign: CampaignEntity, _args: unknown, context: GraphQLContext) {
    const totals = await this.loaders.totals(context, campaign.id);
    return MoneyType.of({ amount: totals.collected, currency: campaign.currency });
  }

  // --- pledge over time and late pledges (issue #11, parts 1 and 3)
  @Public()
  @ResolveField(() => MoneyType, { nullable: true })
  pledgeOverTimeMinimum(@Parent() campaign: CampaignEntity) {
    return campaign.pledgeOverTime && campaign.pledgeOverTimeMinimum
      ? MoneyType.of({ amount: campaign.pledgeOverTimeMinimum, currency: campaign.currency })
      : null;
  }

  @Public()
  @ResolveField(() => Date, { nullable: true, description: 'after a successful end, late pledges are taken until then; null: none' })
  latePledgesUntil(@Parent() campaign: CampaignEntity) {
    return latePledgesUntil(campaign);
  }

  @Public()
  @ResolveField(() => Float, { description: 'pledged / goal, in percent' })
  async percentFunded(campaign: CampaignEntity, _args: unknown, context: GraphQLContext) {
    return percentFunded((await this.loaders.totals(context, campaign.id)).pledged, campaign.goalAmount);
  }

  @Public()
  @ResolveField(() => Int)
  async backersCount(campaign: CampaignEntity, _args: unknown, context: GraphQLContext) {
    return (await this.loaders.totals(context, campaign.id)).backers;
  }

  @Public()
  @ResolveField(() => [RewardTierModel], { description: 'secret tiers only for those who may see them' })
  async rewardTiers(campaign: CampaignEntity, _args: unknown, context: GraphQLContext) {
    const tiers = await this.loaders.tiersOf(context, campaign.id);
    if (!tiers.some((tier) => tier.secret) || (await this.loaders.secretTiersVisible(context, campaign))) return tiers;
    return tiers.filter((tier) => !tier.secret);
  }

  @SignedIn()
  @Mutation(() => CampaignModel, { description: "a wrong token is NOT_FOUND; with the campaign's token, its secret tiers are listed and pledgeable for the viewer" })
  revealSecretRewards(
    @CurrentViewer() viewer: Viewer,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('token') token: string,
  ) {
    return this.service.revealSecretRewards(viewer, campaignId, token);
  }

  @Public()
  @ResolveField(() => String, { nullable: true, description: 'the creator and EDITOR collaborators only; shared by the creator as a link' })
  async secretRewardToken(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return (await this.loaders.may(context, campaign, 'seeSecretToken')) ? campaign.secretRewardToken : null;
  }

  @Public()
  @ResolveField(() => [AddOnModel])
  addOns(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.loaders.addOnsOf(context, campaign.id);
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
  @ResolveField(() => CommentConnection, { description: 'newest first' })
  comments(
    @Parent() campaign: CampaignEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.community.commentsOf(context, campaign.id, { first, after });
  }

  @Public()
  @ResolveField(() => PledgeConnection, { description: 'the creator, collaborators and admins only (FORBIDDEN for anyone else)' })
  async pledges(
    @Parent() campaign: CampaignEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    if (!context.viewer) throw DomainError.unauthenticated("Sign in as the campaign's creator to see its backers");
    if (!(await this.loaders.may(context, campaign, 'seePledges'))) throw DomainError.forbidden(permissionRefusal('seePledges'));
    return this.loaders.pledgesOf(context, campaign.id, { first, after });
  }

  @SignedIn()
  @Mutation(() => CampaignModel, { description: 'the creator only; a DRAFT becomes visible (title, blurb, category, creator, tiers) so the crowd can follow it' })
  publishPrelaunch(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string) {
    return this.prelaunch.publishPrelaunch(viewer, campaignId);
  }

  @SignedIn()
  @Mutation(() => CampaignModel, { description: '"notify me": followers hear when it launches (CAMPAIGN_LAUNCHED)' })
  followCampaign(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string) {
    return this.prelaunch.follow(viewer, campaignId);
  }

  @SignedIn()
  @Mutation(() => CampaignModel)
  unfollowCampaign(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string) {
    return this.prelaunch.unfollow(viewer, campaignId);
  }

  @SignedIn()
  @Mutation(() => CampaignModel, { description: 'the creator only' })
  addCollaborator(
    @CurrentViewer() viewer: Viewer,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('profileId', { type: () => ID }) profileId: string,
    @Args('role', { type: () => CollaboratorRoleEnum }) role: CollaboratorRole,
  ) {
    return this.team.add(viewer, campaignId, profileId, role);
  }

  @SignedIn()
  @Mutation(() => CampaignModel, { description: 'the creator only' })
  removeCollaborator(
    @CurrentViewer() viewer: Viewer,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('profileId', { type: () => ID }) profileId: string,
  ) {
    return this.team.remove(viewer, campaignId, profileId);
  }

  @Public()
  @ResolveField(() => Int, { description: '"notify me", from the prelaunch page on' })
  followersCount(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.loaders.followersCount(context, campaign.id);
  }

  @Public()
  @ResolveField(() => Boolean)
  viewerIsFollowing(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    return this.loaders.viewerIsFollowing(context, campaign.id);
  }

  @Public()
  @ResolveField(() => [CollaboratorModel], { description: 'the creator, collaborators and admins only; empty for anyone else' })
  async collaborators(@Parent() campaign: CampaignEntity, @Context() context: GraphQLContext) {
    if (!(await this.loaders.may(context, campaign, 'seeCollaborators'))) return [];
    return this.loaders.collaboratorsOf(context, campaign.id);
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

  // Plain (parent, args, context) parameters on the tier's fields too: see CampaignResolver.creator.
  @Public()
  @ResolveField(() => MoneyType)
  async minimum(tier: RewardTierEntity, _args: unknown, context: GraphQLContext) {
    const campaign = await this.loaders.campaign(context, tier.campaignId);
    return MoneyType.of({ amount: tier.minimum, currency: campaign!.currency });
  }

  @Public()
  @ResolveField(() => MoneyType, { nullable: true, description: 'what a late pledge on this tier must cover (at least minimum); null: minimum' })
  async latePledgeMinimum(@Parent() tier: RewardTierEntity, @Context() context: GraphQLContext) {
    if (tier.latePledgeMinimum === null) return null;
    const campaign = await this.loaders.campaign(context, tier.campaignId);
    return MoneyType.of({ amount: tier.latePledgeMinimum, currency: campaign!.currency });
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: 'null: unlimited' })
  limit(tier: RewardTierEntity) {
    return tier.quantityLimit;
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: 'null: unlimited; never below 0' })
  remaining(tier: RewardTierEntity) {
    return tier.quantityLimit === null ? null : Math.max(0, tier.quantityLimit - tier.claimed);
  }

  @Public()
  @ResolveField(() => Int, { description: 'live pledges on this tier' })
  backersCount(tier: RewardTierEntity) {
    return tier.claimed;
  }
}

@Public()
@Resolver(() => AddOnModel)
export class AddOnResolver {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly loaders: FundingLoaders,
  ) {}

  @SignedIn()
  @Mutation(() => AddOnModel)
  addAddOn(@CurrentViewer() viewer: Viewer, @Args('campaignId', { type: () => ID }) campaignId: string, @Args('input') input: AddOnInput) {
    return this.campaigns.addAddOn(viewer, campaignId, input);
  }

  @SignedIn()
  @Mutation(() => AddOnModel)
  updateAddOn(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string, @Args('input') input: AddOnInput) {
    return this.campaigns.updateAddOn(viewer, id, input);
  }

  @SignedIn()
  @Mutation(() => CampaignModel, { description: 'only while no live pledge holds it' })
  removeAddOn(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string) {
    return this.campaigns.removeAddOn(viewer, id);
  }

  @Public()
  @ResolveField(() => MoneyType, { description: 'per unit' })
  async price(@Parent() addOn: AddOnEntity, @Context() context: GraphQLContext) {
    const campaign = await this.loaders.campaign(context, addOn.campaignId);
    return MoneyType.of({ amount: addOn.price, currency: campaign!.currency });
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: 'null: unlimited' })
  limit(@Parent() addOn: AddOnEntity) {
    return addOn.quantityLimit;
  }

  @Public()
  @ResolveField(() => Int, { nullable: true, description: 'null: unlimited; never below 0' })
  remaining(@Parent() addOn: AddOnEntity) {
    return addOn.quantityLimit === null ? null : Math.max(0, addOn.quantityLimit - addOn.claimed);
  }

  @Public()
  @ResolveField(() => Int, { description: 'live pledges holding it' })
  backersCount(@Parent() addOn: AddOnEntity, @Context() context: GraphQLContext) {
    return this.loaders.addOnBackers(context, addOn.id);
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
    return (await this.loaders.mayReadUpdate(context, update)) ? update.body : null;
  }

  @Public()
  @ResolveField(() => CommentConnection, { description: 'empty for those who may not read the update' })
  comments(
    @Parent() update: CampaignUpdateEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.community.commentsOf(context, update.id, { first, after });
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
  constructor(
    private readonly loaders: FundingLoaders,
    private readonly queries: CampaignQueries,
  ) {}

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

  @Public()
  @ResolveField(() => CampaignConnection, { description: "the profile's owner only; empty for anyone else" })
  followedCampaigns(
    @Parent() profile: { id: string },
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    if (context.viewer?.profileId !== profile.id) return emptyConnection(first);
    return this.queries.followedCampaigns(profile.id, { first, after });
  }

  @Public()
  @ResolveField(() => CampaignConnection, { description: "the profile's owner only; empty for anyone else" })
  collaborations(
    @Parent() profile: { id: string },
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    if (context.viewer?.profileId !== profile.id) return emptyConnection(first);
    return this.queries.collaborations(profile.id, { first, after });
  }
}

@Public()
@Resolver(() => CollaboratorModel)
export class CollaboratorResolver {
  constructor(private readonly community: CommunityFacade) {}

  @Public()
  @ResolveField(() => ProfileModel)
  profile(@Parent() collaborator: CampaignCollaboratorEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, collaborator.profileId);
  }
}
