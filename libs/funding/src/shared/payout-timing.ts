// Below both the pledges and the settlement folders, which each schedule payouts.

/**
 * When a successful campaign's creator is paid: CAMPAIGN_PAYOUT_DELAY_SECONDS after it ended
 * (its deadline), so refunds asked for meanwhile are still taken from escrow.
 */
export function payoutDueAt(endedAt: Date, delaySeconds: number): Date {
  return new Date(endedAt.getTime() + delaySeconds * 1000);
}

/** When to run a payout job: when it is due, or now if that is already past. */
export function payoutRunAt(endedAt: Date, delaySeconds: number, now: Date): Date {
  return new Date(Math.max(payoutDueAt(endedAt, delaySeconds).getTime(), now.getTime()));
}
