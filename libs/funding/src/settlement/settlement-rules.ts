/**
 * Keys and small decisions of settlement, pure and Nest-free.
 *
 * Provider idempotency keys are derived from our ids and the attempt number, so a crash
 * after the provider charged and before we recorded it replays the same key, and the
 * provider answers with the same charge instead of making a second one.
 */

/** The key of a pledge's charge: attempt = failures recorded so far + 1. */
export function pledgeChargeKey(pledgeId: string, failedAttempts: number): string {
  if (!Number.isSafeInteger(failedAttempts) || failedAttempts < 0) throw new RangeError(`failedAttempts must be a non-negative integer, got ${failedAttempts}`);
  return `pledge:${pledgeId}:charge:${failedAttempts + 1}`;
}

export function pledgeRefundKey(pledgeId: string): string {
  return `pledge:${pledgeId}:refund`;
}

/** The n-th payout of a campaign (1 for the payout after the delay, 2.. for pledges fixed later). */
export function campaignPayoutKey(campaignId: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`a payout sequence starts at 1, got ${sequence}`);
  return `campaign:${campaignId}:payout:${sequence}`;
}

/** Whether a failed pledge may still be paid: before the end of the campaign's retry window. */
export function retryWindowOpen(now: Date, windowEndsAt: Date | null): boolean {
  return windowEndsAt !== null && now.getTime() < windowEndsAt.getTime();
}

/**
 * Runs `work` over `items` with at most `limit` in flight, settling every item (one
 * failure does not stop the others). Results keep the items' order.
 */
export async function settleWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`concurrency must be 1 or more, got ${limit}`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index]) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
