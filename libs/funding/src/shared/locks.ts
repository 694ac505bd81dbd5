import type { EntityManager } from 'typeorm';
import { DomainError, isIdOf } from '@foule/shared';
import { CampaignEntity } from '../campaigns/campaign.entities';
import { PledgeEntity } from '../pledges/pledge.entity';

/**
 * Row locks on a campaign, inside the caller's transaction. Pledge changes take it FOR SHARE
 * (they do not block each other), while what changes the campaign's state or terms (launch,
 * cancel, the deadline's settlement, tier edits) takes it FOR UPDATE: a pledge either commits
 * before the campaign ends and is settled with it, or sees that it ended.
 */
export async function lockCampaign(manager: EntityManager, id: string, mode: 'share' | 'update'): Promise<CampaignEntity> {
  const campaign = isIdOf('campaign', id)
    ? await manager.getRepository(CampaignEntity).findOne({ where: { id }, lock: { mode: mode === 'share' ? 'pessimistic_read' : 'pessimistic_write' } })
    : null;
  if (!campaign) throw DomainError.notFound('Campaign', id);
  return campaign;
}

export async function lockPledge(manager: EntityManager, id: string): Promise<PledgeEntity> {
  const pledge = isIdOf('pledge', id)
    ? await manager.getRepository(PledgeEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!pledge) throw DomainError.notFound('Pledge', id);
  return pledge;
}

/**
 * Makes each tier's `claimed` equal to its live pledges again, after a change that ended many
 * pledges at once (a failed or canceled campaign, dropped pledges). Runs under the campaign's
 * FOR UPDATE lock, so no pledge moves meanwhile.
 */
export async function releaseUnitsOfEndedPledges(manager: EntityManager, campaignId: string): Promise<void> {
  await manager.query(
    `UPDATE funding.reward_tiers t
        SET claimed = (SELECT count(*) FROM funding.pledges p WHERE p.tier_id = t.id AND p.status IN ('PENDING', 'COLLECTED', 'PAYMENT_FAILED'))
      WHERE t.campaign_id = $1`,
    [campaignId],
  );
}
