/**
 * The read side of funding: finders, totals and pages, each built to answer a whole batch of
 * parents in one statement (the resolvers call them through DataLoaders). Totals are indexed
 * aggregates over the pledges, so they always agree with the pledges: nothing is counted
 * eventually.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { DomainError, entityRow, hasRole, isIdOf, type EntityRow, pagesByParent, paginateById, type ConnectionShape, type PageArgs, type Viewer } from '@foule/shared';
import { PledgeAddOnEntity, PledgeEntity, PledgeIncrementEntity } from '../pledges/pledge.entity';
import { BACKING_PLEDGE_STATUSES, LIVE_PLEDGE_STATUSES_SQL as LIVE, sqlStatusList } from '../pledges/pledge-status.machine';

import { categoryKey, type CampaignTotals } from './campaign-rules';
import { campaignPermission, campaignRole, permissionRefusal, type CampaignPermission, type CampaignRelation, type CollaboratorRole } from './campaign-permissions';
import {
  AddOnEntity,
  CampaignCollaboratorEntity,
  CampaignEntity,
  CampaignFollowerEntity,
  CampaignUpdateEntity,
  RewardTierEntity,
  SecretRewardRevealEntity,
  StretchGoalEntity,
} from './campaign.entities';

export interface CampaignFilterArgs {
  status?: string | null;
  category?: string | null;
  creatorId?: string | null;
  search?: string | null;
  /** true: published prelaunch pages only; false: none of them. */
  prelaunch?: boolean | null;
}

/**
 * A DRAFT is its team's (and admins') business until launched, unless its prelaunch page is
 * published. `relation` is the viewer's (CampaignQueries.relationOf, FundingLoaders.relation).
 */
export function canSeeCampaign(relation: CampaignRelation, campaign: Pick<CampaignEntity, 'status' | 'prelaunchAt'>): boolean {
  return campaign.status !== 'DRAFT' || campaign.prelaunchAt !== null || campaignPermission(relation, 'seeDraft');
}

/**
 * Secret tiers are listed and pledgeable for the campaign's team and admins (the permission
 * table) and the profiles that revealed them with the campaign's token (`revealed`); for
 * anyone else they do not exist.
 */
export function canSeeSecretTiers(relation: CampaignRelation, revealed: boolean): boolean {
  return revealed || campaignPermission(relation, 'seeSecretTiers');
}

/** The backer, the campaign's team and admins see a pledge; nobody else. */
export function canSeePledge(viewer: Viewer | null | undefined, pledge: Pick<PledgeEntity, 'backerId'>, relation: CampaignRelation): boolean {
  return viewer?.profileId === pledge.backerId || campaignPermission(relation, 'seePledges');
}

/** SQL: the campaign (alias `alias`) is visible to the viewer (`viewerParam`, '' when anonymous); admins see every campaign and skip it. */
export function visibleCampaignSql(alias: string, viewerParam: string): string {
  return `(${alias}.status <> 'DRAFT' OR ${alias}.prelaunch_at IS NOT NULL OR ${alias}.creator_id = ${viewerParam}
    OR EXISTS (SELECT 1 FROM funding.campaign_collaborators cc WHERE cc.campaign_id = ${alias}.id AND cc.profile_id = ${viewerParam}))`;
}

@Injectable()
export class CampaignQueries {
  /** forNewPledge's columns and readers, made on its first call (the metadata is built by then). */
  private newPledgeRows?: { campaign: EntityRow<CampaignEntity>; tier: EntityRow<RewardTierEntity> };

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
              coalesce(sum(amount) FILTER (WHERE status = 'COLLECTED' AND payment_plan = 'PAY_IN_FULL'), 0) AS collected,
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
    // Pledges over time: what their payments collected, whatever became of the pledge since (a dropped one keeps it).
    const payments = await manager.query<{ campaign_id: string; collected: string }[]>(
      `SELECT campaign_id, sum(amount) AS collected FROM funding.pledge_increments
        WHERE campaign_id = ANY($1) AND state = 'COLLECTED' GROUP BY campaign_id`,
      [[...campaignIds]],
    );
    for (const row of payments) totals.get(row.campaign_id)!.collected += Number(row.collected);
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

  /** The campaigns' add-ons (removed ones left out), in the order they were added. */
  addOnsOfCampaigns(campaignIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<AddOnEntity[]> {
    return manager.getRepository(AddOnEntity).find({ where: { campaignId: In([...campaignIds]), removedAt: IsNull() }, order: { id: 'ASC' } });
  }

  addOnsByIds(ids: readonly string[]): Promise<AddOnEntity[]> {
    const valid = ids.filter((id) => isIdOf('addOn', id));
    return valid.length ? this.dataSource.getRepository(AddOnEntity).findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /** The add-on lines of each pledge. */
  addOnLinesOfPledges(pledgeIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<PledgeAddOnEntity[]> {
    return manager.getRepository(PledgeAddOnEntity).find({ where: { pledgeId: In([...pledgeIds]) }, order: { addOnId: 'ASC' } });
  }

  /** The payments of each pledge over time, in order. */
  incrementsOfPledges(pledgeIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<PledgeIncrementEntity[]> {
    return manager.getRepository(PledgeIncrementEntity).find({ where: { pledgeId: In([...pledgeIds]) }, order: { pledgeId: 'ASC', number: 'ASC' } });
  }

  /** Live pledges holding each add-on. */
  async addOnBackers(addOnIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ add_on_id: string; backers: string }[]>(
      `SELECT l.add_on_id, count(*) AS backers FROM funding.pledge_add_ons l JOIN funding.pledges p ON p.id = l.pledge_id
        WHERE l.add_on_id = ANY($1) AND p.status IN ${LIVE} GROUP BY l.add_on_id`,
      [[...addOnIds]],
    );
    return new Map(rows.map((row) => [row.add_on_id, Number(row.backers)]));
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

  /** Which of the campaigns the profile revealed the secret rewards of (revealSecretRewards). */
  async revealedSecretRewards(profileId: string, campaignIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const rows = await manager.getRepository(SecretRewardRevealEntity).findBy({ profileId, campaignId: In([...campaignIds]) });
    return new Set(rows.map((row) => row.campaignId));
  }

  /** The id of the profile's live pledge on the campaign, if it holds one (one live pledge per backer per campaign). */
  /** Which of the campaigns the profile backs today (a PENDING or COLLECTED pledge): one indexed statement for a whole batch. */
  async backedCampaigns(profileId: string, campaignIds: readonly string[]): Promise<Set<string>> {
    const valid = campaignIds.filter((id) => isIdOf('campaign', id));
    if (!valid.length || !isIdOf('profile', profileId)) return new Set();
    const rows = await this.dataSource.query<{ campaign_id: string }[]>(
      `SELECT DISTINCT campaign_id FROM funding.pledges WHERE backer_id = $1 AND campaign_id = ANY($2) AND status IN ${sqlStatusList(BACKING_PLEDGE_STATUSES)}`,
      [profileId, valid],
    );
    return new Set(rows.map((row) => row.campaign_id));
  }

  /**
   * What a new pledge checks before it saves a card, in one statement: the campaign, the
   * backer's live pledge on it (if any) and the chosen tier (of any campaign: the caller says
   * why another campaign's tier is refused). NOT_FOUND when the campaign does not exist.
   */
  async forNewPledge(
    campaignId: string,
    backerId: string,
    tierId: string | null,
  ): Promise<{ campaign: CampaignEntity; livePledgeId: string | null; tier: RewardTierEntity | null }> {
    if (!isIdOf('campaign', campaignId)) throw DomainError.notFound('Campaign', campaignId);
    // Plain SQL read back through the entities' own column metadata (entityRow): the query
    // builder rebuilt and re-hydrated the same statement on every pledge.
    this.newPledgeRows ??= {
      campaign: entityRow(this.dataSource, CampaignEntity, 'campaign', 'c'),
      tier: entityRow(this.dataSource, RewardTierEntity, 'tier', 't'),
    };
    const { campaign: campaignRow, tier: tierRow } = this.newPledgeRows;
    const wantsTier = tierId !== null && isIdOf('rewardTier', tierId);
    const [row] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT ${campaignRow.select},
              (SELECT p.id FROM funding.pledges p WHERE p.campaign_id = campaign.id AND p.backer_id = $2 AND p.status IN ${LIVE} LIMIT 1) AS live_pledge_id,
              ${tierRow.select}
         FROM funding.campaigns campaign LEFT JOIN funding.reward_tiers tier ON tier.id = $3
        WHERE campaign.id = $1`,
      [campaignId, backerId, wantsTier ? tierId : null],
    );
    const campaign = row ? campaignRow.read(row) : null;
    if (!row || !campaign) throw DomainError.notFound('Campaign', campaignId);
    return { campaign, livePledgeId: (row.live_pledge_id as string | null) ?? null, tier: tierRow.read(row) };
  }

  async livePledgeId(campaignId: string, profileId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM funding.pledges WHERE campaign_id = $1 AND backer_id = $2 AND status IN ${LIVE}`,
      [campaignId, profileId],
    );
    return row?.id ?? null;
  }

  /** Browse: by status, category, creator, title words and prelaunch; unpublished drafts only for their team (and admins). */
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
    if (filter.prelaunch === true) query.andWhere(`campaign.status = 'DRAFT' AND campaign.prelaunchAt IS NOT NULL`);
    if (filter.prelaunch === false) query.andWhere(`NOT (campaign.status = 'DRAFT' AND campaign.prelaunchAt IS NOT NULL)`);
    if (!hasRole(viewer, 'ADMIN')) query.andWhere(visibleCampaignSql('campaign', ':viewerId'), { viewerId: viewer?.profileId ?? '' });
    return paginateById(query, page);
  }

  /** Profile.campaigns for a batch of profiles. */
  campaignsOfCreators(creatorIds: readonly string[], page: PageArgs, viewer: Viewer | null): Promise<ConnectionShape<CampaignEntity>[]> {
    const admin = hasRole(viewer, 'ADMIN');
    return pagesByParent(
      this.dataSource,
      CampaignEntity,
      { from: 'funding.campaigns t', parentColumn: 't.creator_id', where: `${visibleCampaignSql('t', '$3')} OR $4`, params: [viewer?.profileId ?? '', admin] },
      creatorIds,
      page,
      (campaign) => campaign.creatorId,
    );
  }

  updatesOfCampaigns(campaignIds: readonly string[], page: PageArgs): Promise<ConnectionShape<CampaignUpdateEntity>[]> {
    return pagesByParent(this.dataSource, CampaignUpdateEntity, { from: 'funding.campaign_updates t', parentColumn: 't.campaign_id' }, campaignIds, page, (row) => row.campaignId);
  }

  pledgesOfCampaigns(campaignIds: readonly string[], page: PageArgs): Promise<ConnectionShape<PledgeEntity>[]> {
    return pagesByParent(this.dataSource, PledgeEntity, { from: 'funding.pledges t', parentColumn: 't.campaign_id' }, campaignIds, page, (row) => row.campaignId);
  }

  myPledges(backerId: string, page: PageArgs): Promise<ConnectionShape<PledgeEntity>> {
    const query = this.dataSource.getRepository(PledgeEntity).createQueryBuilder('pledge').where('pledge.backerId = :backerId', { backerId });
    return paginateById(query, page);
  }

  /** The viewer's relation to a campaign (its role, whether an admin), read in `manager` when given: for the services' checks. */
  async relationOf(viewer: Viewer | null | undefined, campaign: Pick<CampaignEntity, 'id' | 'creatorId'>, manager: EntityManager = this.dataSource.manager): Promise<CampaignRelation> {
    const admin = hasRole(viewer, 'ADMIN');
    if (!viewer) return { role: null, admin };
    if (viewer.profileId === campaign.creatorId) return { role: 'CREATOR', admin };
    const roles = await this.collaboratorRoles(viewer.profileId, [campaign.id], manager);
    return { role: campaignRole(viewer.profileId, campaign, roles.get(campaign.id) ?? null), admin };
  }

  /** FORBIDDEN, saying who may, unless the viewer may `permission` on the campaign (campaign-permissions.ts). */
  async requirePermission(viewer: Viewer, campaign: Pick<CampaignEntity, 'id' | 'creatorId'>, permission: CampaignPermission, manager?: EntityManager): Promise<void> {
    if (!campaignPermission(await this.relationOf(viewer, campaign, manager), permission)) throw DomainError.forbidden(permissionRefusal(permission));
  }

  /** The profile's collaborator role on each of the campaigns where it has one. */
  async collaboratorRoles(profileId: string, campaignIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, CollaboratorRole>> {
    const rows = await manager.getRepository(CampaignCollaboratorEntity).findBy({ profileId, campaignId: In([...campaignIds]) });
    return new Map(rows.map((row) => [row.campaignId, row.role]));
  }

  /** The collaborators of each campaign, in the order they were added. */
  collaboratorsOfCampaigns(campaignIds: readonly string[]): Promise<CampaignCollaboratorEntity[]> {
    return this.dataSource.getRepository(CampaignCollaboratorEntity).find({ where: { campaignId: In([...campaignIds]) }, order: { addedAt: 'ASC', profileId: 'ASC' } });
  }

  /** Followers of each campaign: one grouped query. */
  async followerCounts(campaignIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ campaign_id: string; followers: string }[]>(
      `SELECT campaign_id, count(*) AS followers FROM funding.campaign_followers WHERE campaign_id = ANY($1) GROUP BY campaign_id`,
      [[...campaignIds]],
    );
    return new Map(rows.map((row) => [row.campaign_id, Number(row.followers)]));
  }

  /** Which of the campaigns the profile follows. */
  async followedBy(profileId: string, campaignIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.dataSource.getRepository(CampaignFollowerEntity).findBy({ profileId, campaignId: In([...campaignIds]) });
    return new Set(rows.map((row) => row.campaignId));
  }

  /** Profile.followedCampaigns (asked by the profile's owner only), newest campaign first. */
  followedCampaigns(profileId: string, page: PageArgs): Promise<ConnectionShape<CampaignEntity>> {
    const query = this.dataSource
      .getRepository(CampaignEntity)
      .createQueryBuilder('campaign')
      .where('campaign.id IN (SELECT f.campaign_id FROM funding.campaign_followers f WHERE f.profile_id = :profileId)', { profileId });
    return paginateById(query, page);
  }

  /** Profile.collaborations (asked by the profile's owner only): the campaigns it is a collaborator of, newest first. */
  collaborations(profileId: string, page: PageArgs): Promise<ConnectionShape<CampaignEntity>> {
    const query = this.dataSource
      .getRepository(CampaignEntity)
      .createQueryBuilder('campaign')
      .where('campaign.id IN (SELECT cc.campaign_id FROM funding.campaign_collaborators cc WHERE cc.profile_id = :profileId)', { profileId });
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

