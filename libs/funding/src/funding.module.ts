import { Module, type OnModuleInit } from '@nestjs/common';
import { CommunityFacade, CommunityModule } from '@foule/community';
import { PaymentsModule } from '@foule/payments';
import { NodeRegistry, type GraphQLContext } from '@foule/shared';
import { CampaignProgress } from './campaigns/campaign-progress';
import { CampaignQueries, canSeePledge } from './campaigns/campaign-queries.service';
import {
  AddOnResolver,
  CampaignResolver,
  CampaignUpdateResolver,
  CollaboratorResolver,
  ProfileCampaignsResolver,
  RewardTierResolver,
  StretchGoalResolver,
} from './campaigns/campaign.resolver';
import { CampaignService } from './campaigns/campaign.service';
import { CampaignCollaboratorService } from './campaigns/campaign-collaborators.service';
import { CampaignPrelaunchService } from './campaigns/campaign-prelaunch.service';
import { FundingCommunity } from './funding-community';
import { FundingEvents } from './funding-events';
import { FundingFacade } from './funding.facade';
import { FundingLoaders } from './funding.loaders';
import { PledgeRefundService } from './backing/pledge-refund.service';
import { PaymentIncrementResolver, PledgeResolver } from './backing/pledge.resolver';
import { PledgeIncrementsService } from './settlement/pledge-increments.service';
import { PledgeRetryService } from './backing/pledge-retry.service';
import { PledgeService } from './backing/pledge.service';
import { PledgeCollection } from './pledges/pledge-collection';
import { CampaignPayoutService } from './settlement/campaign-payout.service';
import { LinkedContests } from './settlement/linked-contests.service';
import { PledgeSettlementService } from './settlement/pledge-settlement.service';

@Module({
  imports: [CommunityModule, PaymentsModule],
  providers: [
    CampaignQueries,
    FundingLoaders,
    FundingEvents,
    FundingCommunity,
    CampaignProgress,
    CampaignService,
    CampaignPrelaunchService,
    CampaignCollaboratorService,
    PledgeCollection,
    PledgeService,
    PledgeRetryService,
    PledgeRefundService,
    PledgeSettlementService,
    CampaignPayoutService,
    LinkedContests,
    FundingFacade,
    CampaignResolver,
    RewardTierResolver,
    AddOnResolver,
    StretchGoalResolver,
    CampaignUpdateResolver,
    ProfileCampaignsResolver,
    CollaboratorResolver,
    PledgeResolver,
    PaymentIncrementResolver,
    PledgeIncrementsService,
  ],
  exports: [FundingFacade],
})
export class FundingModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly loaders: FundingLoaders,
    private readonly queries: CampaignQueries,
    private readonly community: CommunityFacade,
    private readonly communityLinks: FundingCommunity,
  ) {}

  onModuleInit(): void {
    // node(id) answers null for what the viewer may not see, as campaign(id) does.
    const visibleCampaign = (context: GraphQLContext, campaignId: string) => this.loaders.visibleCampaign(context, campaignId);
    this.nodes.register('campaign', (id, context) => visibleCampaign(context as GraphQLContext, id));
    this.nodes.register('rewardTier', async (id, context) => {
      const tier = await this.loaders.tier(context as GraphQLContext, id);
      const campaign = tier && (await visibleCampaign(context as GraphQLContext, tier.campaignId));
      if (!tier || !campaign) return null;
      return !tier.secret || (await this.loaders.secretTiersVisible(context as GraphQLContext, campaign)) ? tier : null;
    });
    this.nodes.register('addOn', async (id, context) => {
      const addOn = await this.loaders.addOn(context as GraphQLContext, id);
      return addOn && !addOn.removedAt && (await visibleCampaign(context as GraphQLContext, addOn.campaignId)) ? addOn : null;
    });
    this.nodes.register('stretchGoal', async (id, context) => {
      const goal = await this.loaders.stretchGoal(context as GraphQLContext, id);
      return goal && (await visibleCampaign(context as GraphQLContext, goal.campaignId)) ? goal : null;
    });
    this.nodes.register('campaignUpdate', async (id, context) => {
      const update = await this.loaders.update(context as GraphQLContext, id);
      return update && (await visibleCampaign(context as GraphQLContext, update.campaignId)) ? update : null;
    });
    this.nodes.register('pledge', async (id, context) => {
      const ctx = context as GraphQLContext;
      const pledge = await this.loaders.pledge(ctx, id);
      const campaign = pledge && (await this.loaders.campaign(ctx, pledge.campaignId));
      return pledge && campaign && canSeePledge(ctx.viewer, pledge, await this.loaders.relation(ctx, campaign)) ? pledge : null;
    });
    this.community.registerCrowdStats((profileIds) => this.queries.crowdStats(profileIds));
    this.communityLinks.register();
  }
}
