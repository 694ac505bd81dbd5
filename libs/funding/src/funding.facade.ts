import { Injectable } from '@nestjs/common';
import type { GraphQLContext } from '@foule/shared';
import { CampaignQueries } from './campaigns/campaign-queries.service';
import type { CampaignEntity } from './campaigns/campaign.entities';
import { FundingEvents, type FundingEventListener } from './funding-events';
import { FundingLoaders } from './funding.loaders';

/** A campaign as other modules see it. */
export interface CampaignSummary {
  id: string;
  creatorId: string;
  status: CampaignEntity['status'];
  currency: string;
  title: string;
}

/** What other modules may ask of funding (contests link to campaigns; polls ask who backs one). */
@Injectable()
export class FundingFacade {
  constructor(
    private readonly queries: CampaignQueries,
    private readonly loaders: FundingLoaders,
    private readonly events: FundingEvents,
  ) {}

  async findCampaign(id: string): Promise<CampaignSummary | null> {
    const [campaign] = await this.queries.campaignsByIds([id]);
    return campaign ? this.summary(campaign) : null;
  }

  /** A campaign through the request's DataLoader, for a resolver of another module (Contest.campaign). */
  loadCampaign(context: GraphQLContext, id: string): Promise<CampaignEntity | null> {
    return this.loaders.campaign(context, id);
  }

  /** Whether the profile holds a live pledge (PENDING, COLLECTED, PAYMENT_FAILED) on the campaign. */
  isBacker(campaignId: string, profileId: string): Promise<boolean> {
    return this.queries.isBacker(campaignId, profileId);
  }

  onFundingEvent(listener: FundingEventListener): void {
    this.events.subscribe(listener);
  }

  private summary(campaign: CampaignEntity): CampaignSummary {
    return { id: campaign.id, creatorId: campaign.creatorId, status: campaign.status, currency: campaign.currency, title: campaign.title };
  }
}
