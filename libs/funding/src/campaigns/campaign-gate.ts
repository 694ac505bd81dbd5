/**
 * The one gate of a campaign's status: the row lock every change of a campaign's state or
 * terms takes, and the guarded move of its status by the pure machine
 * (campaign-status.machine.ts). Runs inside the caller's transaction.
 */
import { In, type EntityManager } from 'typeorm';
import { DomainError, isIdOf } from '@foule/shared';
import { CampaignEntity } from './campaign.entities';
import { CAMPAIGN_STATUSES, campaignTransition, type CampaignEvent, type CampaignStatus } from './campaign-status.machine';

function check(status: CampaignStatus, event: CampaignEvent): CampaignStatus {
  const result = campaignTransition(status, event);
  if (!result.ok) throw DomainError.conflict(result.reason);
  return result.next;
}

export const CampaignGate = {
  check,

  /**
   * Row locks on a campaign, inside the caller's transaction. Pledge changes take it FOR SHARE
   * (they do not block each other), while what changes the campaign's state or terms (launch,
   * cancel, the deadline's settlement, tier edits) takes it FOR UPDATE: a pledge either commits
   * before the campaign ends and is settled with it, or sees that it ended.
   */
  async lock(manager: EntityManager, id: string, mode: 'share' | 'update'): Promise<CampaignEntity> {
    const campaign = isIdOf('campaign', id)
      ? await manager
          .getRepository(CampaignEntity)
          .findOne({ where: { id }, lock: { mode: mode === 'share' ? 'pessimistic_read' : 'pessimistic_write' } })
      : null;
    if (!campaign) throw DomainError.notFound('Campaign', id);
    return campaign;
  },

  /**
   * Moves a campaign (locked FOR UPDATE by the caller) by `event`, with the columns that go
   * with the move; the UPDATE is guarded by the machine's source states, so a refused move is
   * a CONFLICT. Returns the new status.
   */
  async transition(
    manager: EntityManager,
    campaign: Pick<CampaignEntity, 'id' | 'status'>,
    event: CampaignEvent,
    changes: Partial<CampaignEntity> = {},
  ): Promise<CampaignStatus> {
    const next = check(campaign.status, event);
    const sources = CAMPAIGN_STATUSES.filter((status) => campaignTransition(status, event).ok);
    const result = await manager
      .getRepository(CampaignEntity)
      .update({ id: campaign.id, status: In(sources) }, { ...changes, status: next });
    if (result.affected !== 1) throw DomainError.conflict(`Campaign ${campaign.id} changed meanwhile; try again`);
    return next;
  },
};
