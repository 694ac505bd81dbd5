/**
 * The request's DataLoaders for funding, in one place: every resolver that needs a campaign,
 * its totals, tiers or a pledge asks here, so a list of parents costs one query per kind.
 */
import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, type ConnectionShape, type GraphQLContext, type PageArgs } from '@foule/shared';
import type { CampaignTotals } from './campaigns/campaign-rules';
import { CampaignQueries } from './campaigns/campaign-queries.service';
import type { CampaignEntity, CampaignUpdateEntity, RewardTierEntity, StretchGoalEntity } from './campaigns/campaign.entities';
import type { PledgeEntity } from './pledges/pledge.entity';

type Totals = CampaignTotals & { backers: number };

@Injectable()
export class FundingLoaders {
  constructor(private readonly queries: CampaignQueries) {}

  campaign(context: GraphQLContext, id: string): Promise<CampaignEntity | null> {
    return context.loaders
      .get<string, CampaignEntity | null>('funding.campaignById', async (ids) => byKeys(ids, await this.queries.campaignsByIds(ids), (row) => row.id))
      .load(id);
  }

  totals(context: GraphQLContext, campaignId: string): Promise<Totals> {
    return context.loaders
      .get<string, Totals>('funding.campaignTotals', async (ids) => {
        const totals = await this.queries.totals(ids);
        return ids.map((id) => totals.get(id)!);
      })
      .load(campaignId);
  }

  tiersOf(context: GraphQLContext, campaignId: string): Promise<RewardTierEntity[]> {
    return context.loaders
      .get<string, RewardTierEntity[]>('funding.tiersOfCampaign', async (ids) => groupByKeys(ids, await this.queries.tiersOfCampaigns(ids), (row) => row.campaignId))
      .load(campaignId);
  }

  tier(context: GraphQLContext, id: string): Promise<RewardTierEntity | null> {
    return context.loaders
      .get<string, RewardTierEntity | null>('funding.tierById', async (ids) => byKeys(ids, await this.queries.tiersByIds(ids), (row) => row.id))
      .load(id);
  }

  stretchGoalsOf(context: GraphQLContext, campaignId: string): Promise<StretchGoalEntity[]> {
    return context.loaders
      .get<string, StretchGoalEntity[]>('funding.stretchGoalsOfCampaign', async (ids) =>
        groupByKeys(ids, await this.queries.stretchGoalsOfCampaigns(ids), (row) => row.campaignId),
      )
      .load(campaignId);
  }

  stretchGoal(context: GraphQLContext, id: string): Promise<StretchGoalEntity | null> {
    return context.loaders
      .get<string, StretchGoalEntity | null>('funding.stretchGoalById', async (ids) => byKeys(ids, await this.queries.stretchGoalsByIds(ids), (row) => row.id))
      .load(id);
  }

  update(context: GraphQLContext, id: string): Promise<CampaignUpdateEntity | null> {
    return context.loaders
      .get<string, CampaignUpdateEntity | null>('funding.updateById', async (ids) => byKeys(ids, await this.queries.updatesByIds(ids), (row) => row.id))
      .load(id);
  }

  pledge(context: GraphQLContext, id: string): Promise<PledgeEntity | null> {
    return context.loaders
      .get<string, PledgeEntity | null>('funding.pledgeById', async (ids) => byKeys(ids, await this.queries.pledgesByIds(ids), (row) => row.id))
      .load(id);
  }

  /** The signed-in viewer's pledge on a campaign (null when anonymous or not a backer). */
  async viewerPledge(context: GraphQLContext, campaignId: string): Promise<PledgeEntity | null> {
    const viewer = context.viewer;
    if (!viewer) return null;
    return context.loaders
      .get<string, PledgeEntity | null>('funding.viewerPledge', async (ids) =>
        byKeys(ids, await this.queries.viewerPledges(viewer.profileId, ids), (row) => row.campaignId),
      )
      .load(campaignId);
  }

  updatesOf(context: GraphQLContext, campaignId: string, page: PageArgs): Promise<ConnectionShape<CampaignUpdateEntity>> {
    return context.loaders
      .get<string, ConnectionShape<CampaignUpdateEntity>>(`funding.updatesOfCampaign:${page.first ?? ''}:${page.after ?? ''}`, (ids) =>
        this.queries.updatesOfCampaigns(ids, page),
      )
      .load(campaignId);
  }

  pledgesOf(context: GraphQLContext, campaignId: string, page: PageArgs): Promise<ConnectionShape<PledgeEntity>> {
    return context.loaders
      .get<string, ConnectionShape<PledgeEntity>>(`funding.pledgesOfCampaign:${page.first ?? ''}:${page.after ?? ''}`, (ids) =>
        this.queries.pledgesOfCampaigns(ids, page),
      )
      .load(campaignId);
  }

  campaignsOf(context: GraphQLContext, creatorId: string, page: PageArgs): Promise<ConnectionShape<CampaignEntity>> {
    return context.loaders
      .get<string, ConnectionShape<CampaignEntity>>(`funding.campaignsOfCreator:${page.first ?? ''}:${page.after ?? ''}`, (ids) =>
        this.queries.campaignsOfCreators(ids, page, context.viewer),
      )
      .load(creatorId);
  }
}
