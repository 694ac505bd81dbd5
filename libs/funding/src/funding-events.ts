/**
 * Funding facts, published to FundingEvents' subscribers: FundingCommunity (funding-community.ts)
 * turns them into community notices; FundingFacade.onBackingEnded hands other modules the facts
 * they need, as plain data.
 * Listeners run inside the transaction that records the fact, as payments' events do: what
 * they write (a notification row, an outbox job) commits with it, and a listener that
 * throws rolls it back (the job that recorded it is then retried).
 */
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type FundingEvent =
  | {
      type: 'funding.pledge.created';
      pledgeId: string;
      campaignId: string;
      backerId: string;
      amount: number;
      currency: string;
      /** The campaign as the publisher read it, so a listener need not read it again. */
      campaign: { title: string; creatorId: string };
    }
  | { type: 'funding.pledge.payment_failed'; pledgeId: string; campaignId: string; backerId: string; declineCode: string; reason: string; requiresAction: boolean }
  | { type: 'funding.pledge.collected'; pledgeId: string; campaignId: string; backerId: string; amount: number; currency: string }
  | { type: 'funding.pledge.dropped'; pledgeId: string; campaignId: string; backerId: string; kept?: { amount: number; currency: string } }
  /** The backer canceled the pledge, or it was refunded: the backer no longer backs the campaign. */
  | { type: 'funding.pledge.withdrawn'; pledgeId: string; campaignId: string; backerId: string; status: 'CANCELED' | 'REFUNDED' }
  | { type: 'funding.campaign.launched'; campaignId: string; creatorId: string }
  | { type: 'funding.collaborator.added'; campaignId: string; profileId: string; role: 'EDITOR' | 'UPDATES' | 'VIEWER'; addedAt: Date }
  | {
      type: 'funding.pledge.increment_failed';
      pledgeId: string;
      campaignId: string;
      backerId: string;
      number: number;
      attempt: number;
      reason: string;
      retryUntil: Date;
    }
  | { type: 'funding.campaign.ended'; campaignId: string; creatorId: string; status: 'SUCCESSFUL' | 'FAILED' | 'CANCELED' }
  | { type: 'funding.update.posted'; updateId: string; campaignId: string; authorId: string; title: string; backersOnly: boolean };

export type FundingEventListener = (event: FundingEvent, manager: EntityManager) => Promise<void>;

@Injectable()
export class FundingEvents {
  private readonly logger = new Logger('FundingEvents');
  private readonly listeners: FundingEventListener[] = [];

  subscribe(listener: FundingEventListener): void {
    this.listeners.push(listener);
  }

  async publish(event: FundingEvent, manager: EntityManager): Promise<void> {
    // Until the community module listens, the log is where a failed payment is seen.
    if (event.type === 'funding.pledge.payment_failed') {
      this.logger.log(`pledge ${event.pledgeId} of campaign ${event.campaignId}: payment failed (${event.declineCode})`);
    }
    for (const listener of this.listeners) await listener(event, manager);
  }
}
