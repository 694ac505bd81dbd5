/** What the campaign page offers: pledge over time from the campaign's minimum, late pledges until a date. */
export interface PlanOffer {
  pledgeOverTime: boolean;
  pledgeOverTimeMinimum?: { amount: number } | null;
}

/** Pledge over time is a choice only where the campaign offers it and the amount reaches its minimum. */
export function overTimeAllowed(campaign: PlanOffer, amountMinor: number | null): boolean {
  if (!campaign.pledgeOverTime || amountMinor === null) return false;
  return amountMinor >= (campaign.pledgeOverTimeMinimum?.amount ?? 0);
}

/** A campaign takes pledges while LIVE, and late ones after a successful end until latePledgesUntil. */
export function takesPledges(campaign: { status: string; latePledgesUntil?: string | null }, now = Date.now()): 'LIVE' | 'LATE' | null {
  if (campaign.status === 'LIVE') return 'LIVE';
  if (campaign.status === 'SUCCESSFUL' && campaign.latePledgesUntil && new Date(campaign.latePledgesUntil).getTime() > now) return 'LATE';
  return null;
}
