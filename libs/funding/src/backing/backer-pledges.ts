/** What the backer's use cases (pledge, retry, refund) share: finding the pledge, and undoing a charge we could not record. */
import type { Logger } from '@nestjs/common';
import type { PaymentsFacade } from '@foule/payments';
import { DomainError, isIdOf, type Money, type Viewer } from '@foule/shared';
import type { CampaignQueries } from '../campaigns/campaign-queries.service';
import type { PledgeEntity } from '../pledges/pledge.entity';

export async function requirePledge(queries: CampaignQueries, id: string): Promise<PledgeEntity> {
  const [pledge] = await queries.pledgesByIds([id]);
  if (!pledge) throw DomainError.notFound('Pledge', id);
  return pledge;
}

/** The pledge, when the viewer is its backer; FORBIDDEN for anyone else. */
export async function ownPledge(queries: CampaignQueries, viewer: Viewer, id: string): Promise<PledgeEntity> {
  const pledge = isIdOf('pledge', id) ? await requirePledge(queries, id) : null;
  if (!pledge) throw DomainError.notFound('Pledge', id);
  if (pledge.backerId !== viewer.profileId) throw DomainError.forbidden('Only the backer can change a pledge');
  return pledge;
}

/** Gives back the money of a charge that could not be recorded; a failure is logged (for an operator), not thrown. */
export async function refundUnrecorded(
  payments: PaymentsFacade,
  logger: Logger,
  charge: { chargeId: string; money: Money; idempotencyKey: string },
): Promise<void> {
  try {
    await payments.refund(charge);
  } catch (error) {
    logger.error(
      `charge ${charge.chargeId} of ${charge.money.amount} ${charge.money.currency} was not recorded and could not be refunded: ${String(error)}`,
    );
  }
}
