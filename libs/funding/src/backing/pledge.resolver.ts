/** Thin resolvers for pledges: authorize, call the pledge use cases, resolve related objects through the request's loaders. */
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import { CurrentViewer, MoneyType, Public, Roles, SignedIn, type GraphQLContext, type Viewer } from '@foule/shared';
import { CampaignQueries } from '../campaigns/campaign-queries.service';
import { FundingLoaders } from '../funding.loaders';
import { PledgeInput, UpdatePledgeInput } from '../funding.inputs';
import { CampaignModel, PaymentIncrementModel, PledgeAddOnModel, PledgeConnection, PledgeModel, RewardTierModel } from '../funding.models';
import type { PledgeEntity } from '../pledges/pledge.entity';
import { PledgeRefundService } from './pledge-refund.service';
import { PledgeRetryService } from './pledge-retry.service';
import { PledgeService } from './pledge.service';
import { payInFullIncrementState } from '../pledges/payment-plan';

@Public()
@Resolver(() => PledgeModel)
export class PledgeResolver {
  constructor(
    private readonly pledges: PledgeService,
    private readonly retries: PledgeRetryService,
    private readonly refunds: PledgeRefundService,
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
    return this.retries.retryPledgePayment(viewer, id, paymentMethodId);
  }

  @Roles('ADMIN')
  @Mutation(() => PledgeModel, { description: 'ADMIN only: refunds a COLLECTED pledge whose money is still in escrow' })
  refundPledge(@Args('id', { type: () => ID }) id: string) {
    return this.refunds.refundPledge(id);
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
  @ResolveField(() => [PledgeAddOnModel])
  async addOns(@Parent() pledge: PledgeEntity, @Context() context: GraphQLContext) {
    const lines = await this.loaders.addOnLinesOf(context, pledge.id);
    return Promise.all(lines.map(async (line) => ({ addOn: await this.loaders.addOn(context, line.addOnId), quantity: line.quantity })));
  }

  @Public()
  @ResolveField(() => [PaymentIncrementModel], { description: 'exactly one for PAY_IN_FULL' })
  async increments(@Parent() pledge: PledgeEntity, @Context() context: GraphQLContext): Promise<PaymentIncrementModel[]> {
    if (pledge.paymentPlan === 'PLEDGE_OVER_TIME') return this.loaders.incrementsOf(context, pledge.id);
    // A pay-in-full pledge is its one payment: due at the deadline (ALL_OR_NOTHING), or when made.
    const campaign = await this.loaders.campaign(context, pledge.campaignId);
    const chargedWhenMade = pledge.late || campaign?.fundingModel === 'FLEXIBLE';
    return [
      {
        number: 1,
        amount: pledge.amount,
        currency: pledge.currency,
        dueAt: pledge.collectedAt ?? (chargedWhenMade || !campaign ? pledge.createdAt : campaign.deadline),
        state: payInFullIncrementState(pledge.status),
        collectedAt: pledge.collectedAt,
      },
    ];
  }

  @Public()
  @ResolveField(() => MoneyType)
  amount(@Parent() pledge: PledgeEntity) {
    return MoneyType.of({ amount: pledge.amount, currency: pledge.currency.trim() });
  }
}

@Public()
@Resolver(() => PaymentIncrementModel)
export class PaymentIncrementResolver {
  @Public()
  @ResolveField(() => MoneyType)
  amount(@Parent() increment: PaymentIncrementModel) {
    return MoneyType.of({ amount: increment.amount, currency: increment.currency.trim() });
  }
}
