import {
  CAMPAIGN_ACTIONS,
  CAMPAIGN_EVENTS,
  CAMPAIGN_STATUSES,
  campaignAllows,
  campaignTransition,
  type CampaignAction,
  type CampaignEvent,
  type CampaignStatus,
} from './campaign-status.machine';

// Every (state, event) pair, written out: the machine must agree with this table exactly.
const TRANSITIONS: Record<CampaignStatus, Partial<Record<CampaignEvent, CampaignStatus>>> = {
  DRAFT: { launch: 'LIVE', cancel: 'CANCELED' },
  LIVE: { succeed: 'SUCCESSFUL', fail: 'FAILED', cancel: 'CANCELED' },
  SUCCESSFUL: {},
  FAILED: {},
  CANCELED: {},
};

const ALLOWED_ACTIONS: Record<CampaignStatus, CampaignAction[]> = {
  DRAFT: ['editStory', 'editFundingTerms', 'editTiers', 'addStretchGoal', 'publishPrelaunch'],
  LIVE: ['editStory', 'editTiers', 'addStretchGoal', 'postUpdate'],
  SUCCESSFUL: ['postUpdate'],
  FAILED: ['postUpdate'],
  CANCELED: ['postUpdate'],
};

describe('campaign status machine', () => {
  const pairs = CAMPAIGN_STATUSES.flatMap((status) => CAMPAIGN_EVENTS.map((event) => [status, event] as const));

  it('covers all 20 (state, event) pairs', () => {
    expect(pairs).toHaveLength(CAMPAIGN_STATUSES.length * CAMPAIGN_EVENTS.length);
    expect(pairs).toHaveLength(20);
  });

  it.each(pairs)('%s --%s-->', (status, event) => {
    const expected = TRANSITIONS[status][event];
    const result = campaignTransition(status, event);
    if (expected) {
      expect(result).toEqual({ ok: true, next: expected });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      // The message names the transition and the reason.
      expect(result.reason).toContain(`Cannot ${event} a ${status} campaign`);
      expect(result.reason).toMatch(/: .+; .+/);
    }
  });

  it('ends only LIVE campaigns, and says so', () => {
    const result = campaignTransition('DRAFT', 'succeed');
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('only a LIVE campaign ends at its deadline') });
    expect(campaignTransition('SUCCESSFUL', 'cancel')).toEqual({ ok: false, reason: expect.stringContaining('it already ended successfully') });
  });

  it.each(CAMPAIGN_STATUSES.flatMap((status) => CAMPAIGN_ACTIONS.map((action) => [status, action] as const)))(
    'a %s campaign allows %s as the table says',
    (status, action) => {
      const result = campaignAllows(status, action);
      if (ALLOWED_ACTIONS[status].includes(action)) {
        expect(result).toEqual({ ok: true, next: status });
      } else {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(new RegExp(`^Cannot .+ a ${status} campaign: .+; .+`));
      }
    },
  );

  it('publishes a prelaunch page of a DRAFT only, and says why', () => {
    expect(campaignAllows('LIVE', 'publishPrelaunch')).toEqual({
      ok: false,
      reason: 'Cannot publish the prelaunch page of a LIVE campaign: it is live; only a DRAFT campaign has a prelaunch page',
    });
  });

  it('explains why the goal is fixed after launch', () => {
    expect(campaignAllows('LIVE', 'editFundingTerms')).toEqual({
      ok: false,
      reason: 'Cannot change the goal or deadline of a LIVE campaign: it is live; the goal and deadline are fixed once a campaign is launched',
    });
  });
});
