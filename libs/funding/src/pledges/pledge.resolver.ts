/** Thin resolvers for pledges: authorize, call PledgeService, resolve related objects through the request's loaders. */
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import { CurrentViewer, MoneyType, Public, Roles, SignedIn, type GraphQLContext, type Viewer } from '@foule/shared';
import { CampaignQueries } from '../campaigns/campaign-queries.service';
import { FundingLoaders } from '../funding.loaders';
import { PledgeInput, UpdatePledgeInput } from '../funding.inputs';
import { CampaignModel, PledgeConnection, PledgeModel, RewardTierModel } from '../funding.models';
import type { PledgeEntity } from './pledge.entity';
import { PledgeService } from './pledge.service';

@Public()
@Resolver(() => PledgeModel)
export class PledgeResolver {
  constructor(
    private readonly pledges: PledgeService,
    private readonly queries: CampaignQueries,
    private readonly loaders: FundingLoaders,
    private readonly community: CommunityFacade,
  ) {}

  @SignedIn()
  @Query(() => PledgeConnection)
  myPledges(
    @CurrentViewer() viewer: Viewer,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.queries.myPledges(viewer.profileId, { first, after });
  }

  @SignedIn()
  @Mutation(() => PledgeModel)
  pledge(@CurrentViewer() viewer: Viewer, @Args('input') input: PledgeInput) {
    return this.pledges.pledge(viewer, input);
  }

  @SignedIn()
  @Mutation(() => PledgeModel)
  updatePledge(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdatePledgeInput) {
    return this.pledges.updatePledge(viewer, id, input);
  }

  @SignedIn()
  @Mutation(() => PledgeModel)
  cancelPledge(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string) {
    return this.pledges.cancelPledge(viewer, id);
  }

  @SignedIn()
  @Mutation(() => PledgeModel)
  retryPledgePayment(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string, @Args('paymentMethodId') paymentMethodId: string) {
    return this.pledges.retryPledgePayment(viewer, id, paymentMethodId);
  }

  @Roles('ADMIN')
  @Mutation(() => PledgeModel, { description: 'ADMIN only: refunds a COLLECTED pledge whose money is still in escrow' })
  refundPledge(@Args('id', { type: () => ID }) id: string) {
    return this.pledges.refundPledge(id);
  }

  @Public()
  @ResolveField(() => CampaignModel)
  campaign(@Parent() pledge: PledgeEntity, @Context() context: GraphQLContext) {
    return this.loaders.campaign(context, pledge.campaignId);
  }

  @Public()
  @ResolveField(() => ProfileModel)
  backer(@Parent() pledge: PledgeEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, pledge.backerId);
  }

  @Public()
  @ResolveField(() => RewardTierModel, { nullable: true })
  tier(@Parent() pledge: PledgeEntity, @Context() context: GraphQLContext) {
    return pledge.tierId ? this.loaders.tier(context, pledge.tierId) : null;
  }

  @Public()
  @ResolveField(() => MoneyType)
  amount(@Parent() pledge: PledgeEntity) {
    return MoneyType.of({ amount: pledge.amount, currency: pledge.currency.trim() });
  }
}
