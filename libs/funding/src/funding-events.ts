/**
 * Funding facts other modules may subscribe to through `FundingFacade.onFundingEvent`
 * (notifications are the community module's: PAYMENT_FAILED, CAMPAIGN_SUCCEEDED, ...).
 * Listeners run inside the transaction that records the fact, as payments' events do: what
 * they write (a notification row, an outbox job) commits with it, and a listener that
 * throws rolls it back (the job that recorded it is then retried).
 */
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type FundingEvent =
  | { type: 'funding.pledge.payment_failed'; pledgeId: string; campaignId: string; backerId: string; declineCode: string; reason: string; requiresAction: boolean }
  | { type: 'funding.pledge.collected'; pledgeId: string; campaignId: string; backerId: string; amount: number; currency: string }
  | { type: 'funding.pledge.dropped'; pledgeId: string; campaignId: string; backerId: string }
  | { type: 'funding.campaign.ended'; campaignId: string; creatorId: string; status: 'SUCCESSFUL' | 'FAILED' | 'CANCELED' };

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
