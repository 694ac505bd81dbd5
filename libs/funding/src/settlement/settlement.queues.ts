/** The durable jobs of settlement (pg-boss queues), each keyed by campaign id. */
export const SETTLE_CAMPAIGN_QUEUE = 'funding.settle-campaign';
export const CLOSE_RETRY_WINDOW_QUEUE = 'funding.close-retry-window';
export const PAY_OUT_CAMPAIGN_QUEUE = 'funding.pay-out-campaign';

export interface CampaignJob {
  campaignId: string;
}
