/**
 * Funding's side of the community features: its facts become notices (in the fact's
 * transaction, so the outbox row commits with it), the audiences those notices address, and
 * campaigns and updates as comment subjects, with who may read their comments.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CommunityFacade, type CommentSubject } from '@foule/community';
import { APP_CONFIG, formatMoney, type AppConfig, type GraphQLContext } from '@foule/shared';
import { FundingEvents, type FundingEvent } from './funding-events';
import { FundingLoaders } from './funding.loaders';
import { LIVE_PLEDGE_STATUSES } from './pledges/pledge-status.machine';
import { CAMPAIGN_BACKERS, CAMPAIGN_BACKERS_AT_END, CAMPAIGN_FOLLOWERS, noticeFor, tellsAnyone } from './funding-notices';

@Injectable()
export class FundingCommunity {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly community: CommunityFacade,
    private readonly events: FundingEvents,
    private readonly loaders: FundingLoaders,
  ) {}

  register(): void {
    this.events.subscribe((event, manager) => this.tell(event, manager));
    this.community.registerAudience(CAMPAIGN_BACKERS, (campaignId) => this.backers(`p.status = ANY($2)`, campaignId));
    // A failed campaign cancels its pending pledges as it ends: their backers are told too.
    this.community.registerAudience(CAMPAIGN_BACKERS_AT_END, (campaignId) =>
      this.backers(
        `p.status = ANY($2) OR (p.status = 'CANCELED' AND c.status = 'FAILED' AND p.ended_at >= c.ended_at)`,
        campaignId,
      ),
    );
    this.community.registerAudience(CAMPAIGN_FOLLOWERS, async (campaignId) => {
      const rows = await this.dataSource.query<{ profile_id: string }[]>(`SELECT profile_id FROM funding.campaign_followers WHERE campaign_id = $1`, [campaignId]);
      return rows.map((row) => row.profile_id);
    });
    this.community.registerCommentSubject('campaign', (ids, context) =>
      Promise.all(ids.map((id) => this.campaignSubject(context, id))),
    );
    this.community.registerCommentSubject('campaignUpdate', (ids, context) =>
      Promise.all(ids.map((id) => this.updateSubject(context, id))),
    );
  }

  private async tell(event: FundingEvent, manager: EntityManager): Promise<void> {
    if (!tellsAnyone(event)) return;
    if (event.type === 'funding.pledge.created') {
      // A new pledge's notice needs only the campaign, which the pledge just read: nothing to read here.
      return this.notify(manager, event, { title: event.campaign.title, creator_id: event.campaign.creatorId, retry_window_ends_at: null, failed_attempts: 0 });
    }
    const pledgeId = 'pledgeId' in event ? event.pledgeId : null;
    const [row] = await manager.query<
      { title: string; creator_id: string; retry_window_ends_at: Date | null; failed_attempts: number | null }[]
    >(
      `SELECT c.title, c.creator_id, c.retry_window_ends_at, p.failed_attempts
         FROM funding.campaigns c LEFT JOIN funding.pledges p ON p.id = $2
        WHERE c.id = $1`,
      [event.campaignId, pledgeId],
    );
    await this.notify(manager, event, row);
  }

  private async notify(
    manager: EntityManager,
    event: FundingEvent,
    row: { title: string; creator_id: string; retry_window_ends_at: Date | null; failed_attempts: number | null },
  ): Promise<void> {
    const notice = noticeFor(event, {
      campaignTitle: row.title,
      creatorId: row.creator_id,
      failedAttempts: row.failed_attempts ?? 0,
      // Before the window opens (charges still running), it will close no sooner than this.
      retryUntil: row.retry_window_ends_at ?? new Date(Date.now() + this.config.paymentRetryWindowSeconds * 1000),
      formatMoney,
    });
    if (notice) await this.community.notify(manager, notice);
  }

  /** Distinct backers of a campaign whose pledges match `condition` (aliases p and c; $2: the live statuses): one query, however many. */
  private async backers(condition: string, campaignId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ backer_id: string }[]>(
      `SELECT DISTINCT p.backer_id FROM funding.pledges p JOIN funding.campaigns c ON c.id = p.campaign_id
        WHERE p.campaign_id = $1 AND (${condition})`,
      [campaignId, LIVE_PLEDGE_STATUSES],
    );
    return rows.map((row) => row.backer_id);
  }

  private async campaignSubject(context: GraphQLContext, id: string): Promise<CommentSubject | null> {
    const campaign = await this.loaders.visibleCampaign(context, id);
    return campaign ? { ownerId: campaign.creatorId, viewerMayRead: true } : null;
  }

  private async updateSubject(context: GraphQLContext, id: string): Promise<CommentSubject | null> {
    const update = await this.loaders.update(context, id);
    const campaign = update && (await this.loaders.visibleCampaign(context, update.campaignId));
    if (!update || !campaign) return null;
    return { ownerId: campaign.creatorId, viewerMayRead: await this.loaders.mayReadUpdate(context, update) };
  }
}
