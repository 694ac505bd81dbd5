/** The durable jobs of settlement (pg-boss queues), each keyed by campaign id: scheduled by campaigns (launch), pledges (a fixed payment) and settlement itself. */
export const SETTLE_CAMPAIGN_QUEUE = 'funding.settle-campaign';
export const CLOSE_RETRY_WINDOW_QUEUE = 'funding.close-retry-window';
export const PAY_OUT_CAMPAIGN_QUEUE = 'funding.pay-out-campaign';

export interface CampaignJob {
  campaignId: string;
}

/** Pledge over time: a later payment's charge at its due date, and the end of its retry window; keyed per pledge and payment. */
export const CHARGE_INCREMENT_QUEUE = 'funding.charge-pledge-increment';
export const CLOSE_INCREMENT_WINDOW_QUEUE = 'funding.close-increment-window';

export interface IncrementJob {
  pledgeId: string;
  number: number;
}
