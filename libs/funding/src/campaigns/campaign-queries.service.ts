/**
 * The read side of funding: finders, totals and pages, each built to answer a whole batch of
 * parents in one statement (the resolvers call them through DataLoaders). Totals are indexed
 * aggregates over the pledges, so they always agree with the pledges: nothing is counted
 * eventually.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { DomainError, hasRole, isIdOf, paginateById, type ConnectionShape, type PageArgs, type Viewer } from '@foule/shared';
import { pagesByParent } from '../shared/batched-pages';
import { PledgeEntity } from '../pledges/pledge.entity';

import { categoryKey, type CampaignTotals } from './campaign-rules';
import { CampaignEntity, CampaignUpdateEntity, RewardTierEntity, StretchGoalEntity } from './campaign.entities';

export interface CampaignFilterArgs {
  status?: string | null;
  category?: string | null;
  creatorId?: string | null;
  search?: string | null;
}

const LIVE = `('PENDING', 'COLLECTED', 'PAYMENT_FAILED')`;

/** Drafts are their creator's (and admins') business until launched. */
export function canSeeCampaign(viewer: Viewer | null | undefined, campaign: Pick<CampaignEntity, 'status' | 'creatorId'>): boolean {
  return campaign.status !== 'DRAFT' || viewer?.profileId === campaign.creatorId || hasRole(viewer, 'ADMIN');
}

/** The backer, the campaign's creator and admins see a pledge; nobody else. */
export function canSeePledge(viewer: Viewer | null | undefined, pledge: Pick<PledgeEntity, 'backerId'>, campaign: Pick<CampaignEntity, 'creatorId'>): boolean {
  return viewer?.profileId === pledge.backerId || viewer?.profileId === campaign.creatorId || hasRole(viewer, 'ADMIN');
}

@Injectable()
export class CampaignQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  campaignsByIds(ids: readonly string[]): Promise<CampaignEntity[]> {
    const valid = ids.filter((id) => isIdOf('campaign', id));
    return valid.length ? this.dataSource.getRepository(CampaignEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  campaignBySlug(slug: string): Promise<CampaignEntity | null> {
    return this.dataSource.getRepository(CampaignEntity).findOneBy({ slug: slug.trim().toLowerCase() });
  }

  async requireCampaign(id: string, manager: EntityManager = this.dataSource.manager): Promise<CampaignEntity> {
    const campaign = isIdOf('campaign', id) ? await manager.getRepository(CampaignEntity).findOneBy({ id }) : null;
    if (!campaign) throw DomainError.notFound('Campaign', id);
    return campaign;
  }

  /** pledged, collected, pending and backers of each campaign: one grouped, indexed query. */
  async totals(campaignIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, CampaignTotals & { backers: number }>> {
    const rows = await manager.query<{ campaign_id: string; pledged: string; collected: string; pending: string; backers: string }[]>(
      `SELECT campaign_id,
              sum(amount) AS pledged,
              coalesce(sum(amount) FILTER (WHERE status = 'COLLECTED'), 0) AS collected,
              coalesce(sum(amount) FILTER (WHERE status = 'PENDING'), 0) AS pending,
              count(*) AS backers
         FROM funding.pledges
        WHERE campaign_id = ANY($1) AND status IN ${LIVE}
        GROUP BY campaign_id`,
      [[...campaignIds]],
    );
    const totals = new Map(
      rows.map((row) => [
        row.campaign_id,
        { pledged: Number(row.pledged), collected: Number(row.collected), pending: Number(row.pending), backers: Number(row.backers) },
      ]),
    );
    for (const id of campaignIds) if (!totals.has(id)) totals.set(id, { pledged: 0, collected: 0, pending: 0, backers: 0 });
    return totals;
  }

  /** The campaigns' tiers (removed ones left out), cheapest first. */
  tiersOfCampaigns(campaignIds: readonly string[]): Promise<RewardTierEntity[]> {
    return this.dataSource.getRepository(RewardTierEntity).find({
      where: { campaignId: In([...campaignIds]), removedAt: IsNull() },
      order: { minimum: 'ASC', id: 'ASC' },
    });
  }

  tiersByIds(ids: readonly string[]): Promise<RewardTierEntity[]> {
    const valid = ids.filter((id) => isIdOf('rewardTier', id));
    return valid.length ? this.dataSource.getRepository(RewardTierEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  stretchGoalsOfCampaigns(campaignIds: readonly string[]): Promise<StretchGoalEntity[]> {
    return this.dataSource.getRepository(StretchGoalEntity).find({ where: { campaignId: In([...campaignIds]) }, order: { target: 'ASC', id: 'ASC' } });
  }

  stretchGoalsByIds(ids: readonly string[]): Promise<StretchGoalEntity[]> {
    const valid = ids.filter((id) => isIdOf('stretchGoal', id));
    return valid.length ? this.dataSource.getRepository(StretchGoalEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  updatesByIds(ids: readonly string[]): Promise<CampaignUpdateEntity[]> {
    const valid = ids.filter((id) => isIdOf('campaignUpdate', id));
    return valid.length ? this.dataSource.getRepository(CampaignUpdateEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  pledgesByIds(ids: readonly string[]): Promise<PledgeEntity[]> {
    const valid = ids.filter((id) => isIdOf('pledge', id));
    return valid.length ? this.dataSource.getRepository(PledgeEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /**
   * The viewer's pledge on each campaign: the live one, or else the latest (so a backer
   * still sees a canceled or dropped pledge).
   */
  async viewerPledges(viewerId: string, campaignIds: readonly string[]): Promise<PledgeEntity[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT DISTINCT ON (campaign_id) id FROM funding.pledges
        WHERE backer_id = $1 AND campaign_id = ANY($2)
        ORDER BY campaign_id, (status IN ${LIVE}) DESC, id DESC`,
      [viewerId, [...campaignIds]],
    );
    return this.pledgesByIds(rows.map((row) => row.id));
  }

  /** The id of the profile's live pledge on the campaign, if it holds one (one live pledge per backer per campaign). */
  async livePledgeId(campaignId: string, profileId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM funding.pledges WHERE campaign_id = $1 AND backer_id = $2 AND status IN ${LIVE}`,
      [campaignId, profileId],
    );
    return row?.id ?? null;
  }

  /** Whether the profile holds a live pledge on the campaign (backers-only updates, polls). */
  async isBacker(campaignId: string, profileId: string): Promise<boolean> {
    return (await this.livePledgeId(campaignId, profileId)) !== null;
  }

  /** Browse: by status, category, creator and title words; drafts only for their creator (and admins). */
  listCampaigns(filter: CampaignFilterArgs, page: PageArgs, viewer: Viewer | null): Promise<ConnectionShape<CampaignEntity>> {
    const query = this.dataSource.getRepository(CampaignEntity).createQueryBuilder('campaign');
    if (filter.status) query.andWhere('campaign.status = :status', { status: filter.status });
    if (filter.category?.trim()) query.andWhere('campaign.categoryKey = :category', { category: categoryKey(filter.category) });
    if (filter.creatorId) query.andWhere('campaign.creatorId = :creatorId', { creatorId: filter.creatorId });
    const words = (filter.search ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    words.forEach((word, index) => {
      // lower(title) LIKE '%word%' is what the trigram index on lower(title) serves.
      query.andWhere(`lower(campaign.title) LIKE :word${index}`, { [`word${index}`]: `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    });
    if (!hasRole(viewer, 'ADMIN')) {
      query.andWhere(`(campaign.status <> 'DRAFT' OR campaign.creatorId = :viewerId)`, { viewerId: viewer?.profileId ?? '' });
    }
    return paginateById(query, page);
  }

  /** Profile.campaigns for a batch of profiles. */
  campaignsOfCreators(creatorIds: readonly string[], page: PageArgs, viewer: Viewer | null): Promise<ConnectionShape<CampaignEntity>[]> {
    const admin = hasRole(viewer, 'ADMIN');
    return pagesByParent(
      this.dataSource,
      CampaignEntity,
      { table: 'funding.campaigns', parentColumn: 'creator_id', where: `t.status <> 'DRAFT' OR t.creator_id = $3 OR $4`, params: [viewer?.profileId ?? '', admin] },
      creatorIds,
      page,
      (campaign) => campaign.creatorId,
    );
  }

  updatesOfCampaigns(campaignIds: readonly string[], page: PageArgs): Promise<ConnectionShape<CampaignUpdateEntity>[]> {
    return pagesByParent(this.dataSource, CampaignUpdateEntity, { table: 'funding.campaign_updates', parentColumn: 'campaign_id' }, campaignIds, page, (row) => row.campaignId);
  }

  pledgesOfCampaigns(campaignIds: readonly string[], page: PageArgs): Promise<ConnectionShape<PledgeEntity>[]> {
    return pagesByParent(this.dataSource, PledgeEntity, { table: 'funding.pledges', parentColumn: 'campaign_id' }, campaignIds, page, (row) => row.campaignId);
  }

  myPledges(backerId: string, page: PageArgs): Promise<ConnectionShape<PledgeEntity>> {
    const query = this.dataSource.getRepository(PledgeEntity).createQueryBuilder('pledge').where('pledge.backerId = :backerId', { backerId });
    return paginateById(query, page);
  }

  /** CrowdStats: campaigns launched by, and campaigns backed (live pledges) by, each profile. */
  async crowdStats(profileIds: readonly string[]): Promise<Map<string, { campaignsCreated: number; campaignsBacked: number }>> {
    const ids = [...profileIds];
    const [created, backed] = await Promise.all([
      this.dataSource.query<{ id: string; count: string }[]>(
        `SELECT creator_id AS id, count(*) AS count FROM funding.campaigns WHERE creator_id = ANY($1) AND status <> 'DRAFT' GROUP BY 1`,
        [ids],
      ),
      this.dataSource.query<{ id: string; count: string }[]>(
        `SELECT backer_id AS id, count(DISTINCT campaign_id) AS count FROM funding.pledges WHERE backer_id = ANY($1) AND status IN ${LIVE} GROUP BY 1`,
        [ids],
      ),
    ]);
    const stats = new Map(ids.map((id) => [id, { campaignsCreated: 0, campaignsBacked: 0 }]));
    for (const row of created) stats.get(row.id)!.campaignsCreated = Number(row.count);
    for (const row of backed) stats.get(row.id)!.campaignsBacked = Number(row.count);
    return stats;
  }
}

