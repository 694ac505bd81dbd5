import { Module, type OnModuleInit } from '@nestjs/common';
import { CommunityFacade, CommunityModule } from '@foule/community';
import { PaymentsModule } from '@foule/payments';
import { NodeRegistry, type GraphQLContext } from '@foule/shared';
import { CampaignProgress } from './campaigns/campaign-progress';
import { CampaignQueries, canSeeCampaign, canSeePledge } from './campaigns/campaign-queries.service';
import {
  CampaignResolver,
  CampaignUpdateResolver,
  ProfileCampaignsResolver,
  RewardTierResolver,
  StretchGoalResolver,
} from './campaigns/campaign.resolver';
import { CampaignService } from './campaigns/campaign.service';
import { FundingEvents } from './funding-events';
import { FundingFacade } from './funding.facade';
import { FundingLoaders } from './funding.loaders';
import { PledgeResolver } from './pledges/pledge.resolver';
import { PledgeService } from './pledges/pledge.service';
import { CampaignPayoutService } from './settlement/campaign-payout.service';
import { PledgeSettlementService } from './settlement/pledge-settlement.service';

@Module({
  imports: [CommunityModule, PaymentsModule],
  providers: [
    CampaignQueries,
    FundingLoaders,
    FundingEvents,
    CampaignProgress,
    CampaignService,
    PledgeService,
    PledgeSettlementService,
    CampaignPayoutService,
    FundingFacade,
    CampaignResolver,
    RewardTierResolver,
    StretchGoalResolver,
    CampaignUpdateResolver,
    ProfileCampaignsResolver,
    PledgeResolver,
  ],
  exports: [FundingFacade],
})
export class FundingModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly loaders: FundingLoaders,
    private readonly queries: CampaignQueries,
    private readonly community: CommunityFacade,
  ) {}

  onModuleInit(): void {
    // node(id) answers null for what the viewer may not see, as campaign(id) does.
    const visibleCampaign = async (context: GraphQLContext, campaignId: string) => {
      const campaign = await this.loaders.campaign(context, campaignId);
      return campaign && canSeeCampaign(context.viewer, campaign) ? campaign : null;
    };
    this.nodes.register('campaign', (id, context) => visibleCampaign(context as GraphQLContext, id));
    this.nodes.register('rewardTier', async (id, context) => {
      const tier = await this.loaders.tier(context as GraphQLContext, id);
      return tier && (await visibleCampaign(context as GraphQLContext, tier.campaignId)) ? tier : null;
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
      return pledge && campaign && canSeePledge(ctx.viewer, pledge, campaign) ? pledge : null;
    });
    this.community.registerCrowdStats((profileIds) => this.queries.crowdStats(profileIds));
  }
}
