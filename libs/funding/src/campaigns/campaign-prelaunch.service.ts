/**
 * Prelaunch pages and their followers (issue 11, part 5): the creator publishes a DRAFT's page
 * (publishPrelaunch), anyone signed in follows it ("notify me"), and at launch every follower
 * is told (CAMPAIGN_LAUNCHED, from CampaignService.launch's transaction).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, type Viewer } from '@foule/shared';
import { CampaignGate } from './campaign-gate';
import { CampaignQueries, canSeeCampaign } from './campaign-queries.service';
import { campaignAllows } from './campaign-status.machine';
import { CampaignEntity, CampaignFollowerEntity } from './campaign.entities';

@Injectable()
export class CampaignPrelaunchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queries: CampaignQueries,
  ) {}

  /** DRAFT only, by the creator only; publishing again keeps the first prelaunchAt. */
  async publishPrelaunch(viewer: Viewer, campaignId: string): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      await this.queries.requirePermission(viewer, campaign, 'publishPrelaunch', manager);
      const allowed = campaignAllows(campaign.status, 'publishPrelaunch');
      if (!allowed.ok) throw DomainError.conflict(allowed.reason);
      if (campaign.prelaunchAt) return campaign;
      await manager.getRepository(CampaignEntity).update({ id: campaign.id }, { prelaunchAt: new Date() });
      return manager.getRepository(CampaignEntity).findOneByOrFail({ id: campaign.id });
    });
  }

  /** Any campaign the viewer may see, but not the viewer's own; following twice is following once. */
  async follow(viewer: Viewer, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.visibleCampaign(viewer, campaignId);
    if (campaign.creatorId === viewer.profileId) throw DomainError.badField('campaignId', 'you cannot follow your own campaign');
    await this.dataSource
      .getRepository(CampaignFollowerEntity)
      .createQueryBuilder()
      .insert()
      .values({ campaignId: campaign.id, profileId: viewer.profileId })
      .orIgnore()
      .execute();
    return campaign;
  }

  async unfollow(viewer: Viewer, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.visibleCampaign(viewer, campaignId);
    await this.dataSource.getRepository(CampaignFollowerEntity).delete({ campaignId: campaign.id, profileId: viewer.profileId });
    return campaign;
  }

  /** NOT_FOUND for a campaign the viewer may not see, as campaign(id) answers null. */
  private async visibleCampaign(viewer: Viewer, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.queries.requireCampaign(campaignId);
    if (!canSeeCampaign(await this.queries.relationOf(viewer, campaign), campaign)) throw DomainError.notFound('Campaign', campaignId);
    return campaign;
  }
}
