/**
 * The request's DataLoaders for funding, in one place: every resolver that needs a campaign,
 * its totals, tiers or a pledge asks here, so a list of parents costs one query per kind.
 */
import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, hasRole, type ConnectionShape, type GraphQLContext, type PageArgs } from '@foule/shared';
import type { CampaignTotals } from './campaigns/campaign-rules';
import { campaignPermission, campaignRole, type CampaignPermission, type CampaignRelation } from './campaigns/campaign-permissions';
import { CampaignQueries, canSeeCampaign, canSeeSecretTiers } from './campaigns/campaign-queries.service';
import type {
  AddOnEntity,
  CampaignCollaboratorEntity,
  CampaignEntity,
  CampaignUpdateEntity,
  RewardTierEntity,
  StretchGoalEntity,
} from './campaigns/campaign.entities';
import type { PledgeAddOnEntity, PledgeIncrementEntity, PledgeEntity } from './pledges/pledge.entity';
import { isLivePledge } from './pledges/pledge-status.machine';

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

  addOnsOf(context: GraphQLContext, campaignId: string): Promise<AddOnEntity[]> {
    return context.loaders
      .get<string, AddOnEntity[]>('funding.addOnsOfCampaign', async (ids) => groupByKeys(ids, await this.queries.addOnsOfCampaigns(ids), (row) => row.campaignId))
      .load(campaignId);
  }

  addOn(context: GraphQLContext, id: string): Promise<AddOnEntity | null> {
    return context.loaders
      .get<string, AddOnEntity | null>('funding.addOnById', async (ids) => byKeys(ids, await this.queries.addOnsByIds(ids), (row) => row.id))
      .load(id);
  }

  addOnBackers(context: GraphQLContext, addOnId: string): Promise<number> {
    return context.loaders
      .get<string, number>('funding.addOnBackers', async (ids) => {
        const backers = await this.queries.addOnBackers(ids);
        return ids.map((id) => backers.get(id) ?? 0);
      })
      .load(addOnId);
  }

  addOnLinesOf(context: GraphQLContext, pledgeId: string): Promise<PledgeAddOnEntity[]> {
    return context.loaders
      .get<string, PledgeAddOnEntity[]>('funding.addOnLinesOfPledge', async (ids) =>
        groupByKeys(ids, await this.queries.addOnLinesOfPledges(ids), (row) => row.pledgeId),
      )
      .load(pledgeId);
  }

  /** The payments of pledges over time, in order (none for pay-in-full pledges). */
  incrementsOf(context: GraphQLContext, pledgeId: string): Promise<PledgeIncrementEntity[]> {
    return context.loaders
      .get<string, PledgeIncrementEntity[]>('funding.incrementsOfPledge', async (ids) =>
        groupByKeys(ids, await this.queries.incrementsOfPledges(ids), (row) => row.pledgeId),
      )
      .load(pledgeId);
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

  /** The viewer's relation to a campaign (the permission table's input); the viewer's collaborator rows are read once per batch. */
  async relation(context: GraphQLContext, campaign: Pick<CampaignEntity, 'id' | 'creatorId'>): Promise<CampaignRelation> {
    const viewer = context.viewer;
    const admin = hasRole(viewer, 'ADMIN');
    if (!viewer) return { role: null, admin };
    if (viewer.profileId === campaign.creatorId) return { role: 'CREATOR', admin };
    const role = await context.loaders
      .get<string, CampaignCollaboratorEntity['role'] | null>('funding.viewerCollaboratorRole', async (ids) => {
        const roles = await this.queries.collaboratorRoles(viewer.profileId, ids);
        return ids.map((id) => roles.get(id) ?? null);
      })
      .load(campaign.id);
    return { role: campaignRole(viewer.profileId, campaign, role), admin };
  }

  /** Whether the viewer may `permission` on the campaign (campaign-permissions.ts). */
  async may(context: GraphQLContext, campaign: Pick<CampaignEntity, 'id' | 'creatorId'>, permission: CampaignPermission): Promise<boolean> {
    return campaignPermission(await this.relation(context, campaign), permission);
  }

  /** The campaign when the viewer may see it (canSeeCampaign), else null: what campaign(id) and node(id) answer. */
  async visibleCampaign(context: GraphQLContext, id: string): Promise<CampaignEntity | null> {
    const campaign = await this.campaign(context, id);
    return campaign && canSeeCampaign(await this.relation(context, campaign), campaign) ? campaign : null;
  }

  /** Whether the viewer sees the campaign's secret tiers (canSeeSecretTiers); the reveals are read once per request. */
  async secretTiersVisible(context: GraphQLContext, campaign: Pick<CampaignEntity, 'id' | 'creatorId'>): Promise<boolean> {
    const viewer = context.viewer;
    if (!viewer) return false;
    const relation = await this.relation(context, campaign);
    if (canSeeSecretTiers(relation, false)) return true;
    const revealed = await context.loaders
      .get<string, boolean>('funding.secretRewardsRevealed', async (ids) => {
        const campaigns = await this.queries.revealedSecretRewards(viewer.profileId, ids);
        return ids.map((id) => campaigns.has(id));
      })
      .load(campaign.id);
    return canSeeSecretTiers(relation, revealed);
  }

  followersCount(context: GraphQLContext, campaignId: string): Promise<number> {
    return context.loaders
      .get<string, number>('funding.campaignFollowers', async (ids) => {
        const counts = await this.queries.followerCounts(ids);
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(campaignId);
  }

  async viewerIsFollowing(context: GraphQLContext, campaignId: string): Promise<boolean> {
    const viewer = context.viewer;
    if (!viewer) return false;
    return context.loaders
      .get<string, boolean>('funding.viewerFollowsCampaign', async (ids) => {
        const followed = await this.queries.followedBy(viewer.profileId, ids);
        return ids.map((id) => followed.has(id));
      })
      .load(campaignId);
  }

  collaboratorsOf(context: GraphQLContext, campaignId: string): Promise<CampaignCollaboratorEntity[]> {
    return context.loaders
      .get<string, CampaignCollaboratorEntity[]>('funding.collaboratorsOfCampaign', async (ids) =>
        groupByKeys(ids, await this.queries.collaboratorsOfCampaigns(ids), (row) => row.campaignId),
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

  /** A backers-only update is read by its author, the campaign's team, admins and live backers; others see its title only. */
  async mayReadUpdate(context: GraphQLContext, update: CampaignUpdateEntity): Promise<boolean> {
    if (!update.backersOnly) return true;
    const viewer = context.viewer;
    if (!viewer) return false;
    if (viewer.profileId === update.authorId) return true;
    const campaign = await this.campaign(context, update.campaignId);
    if (campaign && (await this.may(context, campaign, 'seePledges'))) return true;
    const pledge = await this.viewerPledge(context, update.campaignId);
    return pledge !== null && isLivePledge(pledge.status);
  }
}
