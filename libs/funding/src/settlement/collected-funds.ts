/**
 * The campaign's collected money still in escrow, waiting for a payout: each pledge paid in
 * full that was COLLECTED, and each collected payment of a pledge over time (whatever became of
 * its pledge since: a dropped pledge keeps what it collected), unless a refund of its pledge is
 * in flight. A payout marks them with its sequence (paid_out_in) so the same money never leaves
 * twice; the contests funded from the campaign may take no more than what the next payout would
 * pay, so both read the one definition below. Kept apart from CampaignPayoutService so the
 * payout itself stays one query per kind of money.
 */
import type { EntityManager } from 'typeorm';

/** Pledges paid in full whose charge is collected and not yet paid out ($1: the campaign). */
const UNPAID_PLEDGES_PAID_IN_FULL = `campaign_id = $1 AND status = 'COLLECTED' AND paid_out_in IS NULL
  AND refund_requested_at IS NULL AND payment_plan = 'PAY_IN_FULL'`;
/** Collected payments of pledges over time not yet paid out ($1: the campaign; i the payment, p its pledge). */
const UNPAID_PAYMENTS_OVER_TIME = `p.id = i.pledge_id AND i.campaign_id = $1 AND i.state = 'COLLECTED'
  AND i.paid_out_in IS NULL AND p.refund_requested_at IS NULL`;

/** What the next payout would take: the gross of the collected money not yet paid out. */
export async function collectedNotPaidOut(manager: EntityManager, campaignId: string): Promise<number> {
  const [{ gross }] = await manager.query<{ gross: string }[]>(
    `SELECT (SELECT coalesce(sum(amount), 0) FROM funding.pledges WHERE ${UNPAID_PLEDGES_PAID_IN_FULL})
          + (SELECT coalesce(sum(i.amount), 0) FROM funding.pledge_increments i, funding.pledges p WHERE ${UNPAID_PAYMENTS_OVER_TIME}) AS gross`,
    [campaignId],
  );
  return Number(gross);
}

/** Marks the campaign's collected, not yet paid out money with payout `sequence`; returns its gross and what it was made of. */
export async function markCollectedPaidOut(
  manager: EntityManager,
  campaignId: string,
  sequence: number,
): Promise<{ gross: number; pledgesPaidInFull: number; paymentsOverTime: number }> {
  const [row] = await manager.query<{ gross: string; pledges: number; payments: number }[]>(
    `WITH pledges AS (
       UPDATE funding.pledges SET paid_out_in = $2, updated_at = now() WHERE ${UNPAID_PLEDGES_PAID_IN_FULL}
       RETURNING amount),
     payments AS (
       UPDATE funding.pledge_increments i SET paid_out_in = $2, updated_at = now()
         FROM funding.pledges p WHERE ${UNPAID_PAYMENTS_OVER_TIME}
       RETURNING i.amount)
     SELECT (SELECT coalesce(sum(amount), 0) FROM pledges) + (SELECT coalesce(sum(amount), 0) FROM payments) AS gross,
            (SELECT count(*)::int FROM pledges) AS pledges, (SELECT count(*)::int FROM payments) AS payments`,
    [campaignId, sequence],
  );
  return { gross: Number(row.gross), pledgesPaidInFull: row.pledges, paymentsOverTime: row.payments };
}
