/**
 * The campaignProgress subscription's events: a campaign id, published after each committed
 * change to its pledges or status (pledge, change, cancel, each settlement batch). Subscribers
 * load the campaign fresh; the event carries no totals that could be stale. Over Redis when
 * REDIS_URL is set, so every api instance (and a worker settling a campaign) reaches every
 * subscriber.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PubSubEngine } from 'graphql-subscriptions';
import { PUB_SUB } from '@foule/shared';

export interface CampaignProgressEvent {
  campaignId: string;
}

export const campaignProgressTopic = (campaignId: string) => `funding.campaignProgress.${campaignId}`;

@Injectable()
export class CampaignProgress {
  private readonly logger = new Logger('CampaignProgress');

  constructor(@Inject(PUB_SUB) private readonly pubsub: PubSubEngine) {}

  /** Never fails the caller: the change is committed; a lost notification is only a late screen. */
  async publish(campaignId: string): Promise<void> {
    try {
      await this.pubsub.publish(campaignProgressTopic(campaignId), { campaignId } satisfies CampaignProgressEvent);
    } catch (error) {
      this.logger.warn(`could not publish progress of ${campaignId}: ${String(error)}`);
    }
  }

  subscribe(campaignId: string): AsyncIterableIterator<CampaignProgressEvent> {
    return this.pubsub.asyncIterableIterator<CampaignProgressEvent>(campaignProgressTopic(campaignId));
  }
}
