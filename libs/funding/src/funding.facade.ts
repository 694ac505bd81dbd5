import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GraphQLContext, Viewer } from '@foule/shared';
import { campaignPermission, type CampaignPermission } from './campaigns/campaign-permissions';
import type { CampaignStatus } from './campaigns/campaign-status.machine';
import { CampaignQueries } from './campaigns/campaign-queries.service';
import { FundingEvents } from './funding-events';
import { FundingLoaders } from './funding.loaders';
import { LinkedContests, type ContestFundingRequest, type RoyaltyOutcomes } from './settlement/linked-contests.service';

/** What another module may know of a campaign: plain data, never the entity. */
export interface CampaignSummary {
  id: string;
  creatorId: string;
  status: CampaignStatus;
  currency: string;
}

/**
 * What other modules may ask of funding, answering plain data, not entities (except the
 * campaign a GraphQL field hands back to funding's own resolvers), each saying who calls it.
 */
@Injectable()
export class FundingFacade {
  constructor(
    private readonly queries: CampaignQueries,
    private readonly loaders: FundingLoaders,
    private readonly linked: LinkedContests,
    private readonly events: FundingEvents,
  ) {}

  /**
   * Polls: `listener` runs in the transaction of each pledge whose backer stops backing its
   * campaign (canceled, refunded or dropped), so a backers-only poll can take back their vote.
   */
  onBackingEnded(listener: (ended: { campaignId: string; backerId: string }, manager: EntityManager) => Promise<void>): void {
    this.events.subscribe(async (event, manager) => {
      if (event.type === 'funding.pledge.withdrawn' || event.type === 'funding.pledge.dropped') {
        await listener({ campaignId: event.campaignId, backerId: event.backerId }, manager);
      }
    });
  }

  /** Contests: whether a contest may be linked to the campaign (its creator), and in which currency it counts. */
  async campaignSummary(id: string): Promise<CampaignSummary | null> {
    const [campaign] = await this.queries.campaignsByIds([id]);
    return campaign ? { id: campaign.id, creatorId: campaign.creatorId, status: campaign.status, currency: campaign.currency } : null;
  }

  /** Polls: whether the profile holds a PENDING or COLLECTED pledge on the campaign (a backers-only poll's audience). */
  async holdsBackingPledge(profileId: string, campaignId: string): Promise<boolean> {
    return (await this.queries.backedCampaigns(profileId, [campaignId])).has(campaignId);
  }

  /** The same question for a batch of campaigns (a page of polls): the ids of those the profile backs, in one statement. */
  backedCampaigns(profileId: string, campaignIds: readonly string[]): Promise<Set<string>> {
    return this.queries.backedCampaigns(profileId, campaignIds);
  }

  /** Contest.campaign: the campaign as funding's resolvers expect it, batched per request; null when the viewer may not see it. */
  visibleCampaign(context: GraphQLContext, id: string): Promise<object | null> {
    return this.loaders.visibleCampaign(context, id);
  }

  /**
   * Whether the viewer may `permission` on the campaign, by funding's one permission table
   * (the creator, collaborators by role, admins): for a module that shows a campaign's figures
   * ('seePledges') or acts for its team. false for an unknown campaign or an anonymous viewer.
   */
  async campaignPermission(viewer: Viewer | null, campaignId: string, permission: CampaignPermission): Promise<boolean> {
    const [campaign] = await this.queries.campaignsByIds([campaignId]);
    return Boolean(campaign && campaignPermission(await this.queries.relationOf(viewer, campaign), permission));
  }

  // Campaign-linked contests' money (issue #10): each runs in the contest's transaction, which
  // holds the contest's row lock; these take the campaign's (the lock its payout takes).

  /**
   * openContest(fromCampaignId): prize and fee out of the holder's campaign's escrow. FORBIDDEN
   * for someone else's campaign, BAD_USER_INPUT (fromCampaignId) for another currency, CONFLICT
   * when the campaign is not SUCCESSFUL, was paid out, or cannot cover prize plus fee.
   */
  fundContestFromCampaign(manager: EntityManager, request: ContestFundingRequest): Promise<void> {
    return this.linked.fund(manager, request);
  }

  /** A canceled contest paid from a campaign: prize and fee back to the campaign's escrow (or to its creator once paid out). False if it was not campaign-funded. */
  returnContestFunding(manager: EntityManager, contestId: string): Promise<boolean> {
    return this.linked.returnFunding(manager, contestId);
  }

  /** createContest(winnerRoyaltyBps): the winner's share of the campaign, agreed before its first payout. */
  agreeWinnerRoyalty(manager: EntityManager, input: { campaignId: string; contestId: string; bps: number }): Promise<void> {
    return this.linked.agreeRoyalty(manager, input);
  }

  /** A royalty contest completed or was canceled: its royalty is settled by a payout run, as soon as the campaign's payout is due. */
  settleWinnerRoyaltySoon(manager: EntityManager, contestId: string): Promise<void> {
    return this.linked.settleSoon(manager, contestId);
  }

  /** Contest says, at each payout, whether each royalty contest has a winner (WON), never will (VOID) or not yet (PENDING). */
  registerRoyaltyOutcomes(outcomes: RoyaltyOutcomes): void {
    this.linked.registerRoyaltyOutcomes(outcomes);
  }
}
