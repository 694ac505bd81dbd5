import type { FundingEvent } from './funding-events';
import { CAMPAIGN_BACKERS, CAMPAIGN_BACKERS_AT_END, CAMPAIGN_FOLLOWERS, noticeFor, tellsAnyone, type NoticeContext } from './funding-notices';

const context: NoticeContext = {
  campaignTitle: 'Lamp',
  creatorId: 'prf_creator',
  failedAttempts: 2,
  retryUntil: new Date('2026-12-08T10:00:00.000Z'),
  formatMoney: ({ amount, currency }) => `${amount} ${currency}`,
};

describe('noticeFor', () => {
  it('tells a backer whose payment failed how to fix it and by when, once per failed attempt', () => {
    const notice = noticeFor(
      {
        type: 'funding.pledge.payment_failed',
        pledgeId: 'pld_1',
        campaignId: 'cmp_1',
        backerId: 'prf_b',
        declineCode: 'card_declined',
        reason: 'Your card was declined',
        requiresAction: false,
      },
      context,
    )!;
    expect(notice.kind).toBe('PAYMENT_FAILED');
    expect(notice.recipients).toEqual(['prf_b']);
    expect(notice.key).toBe('funding.pledge.payment_failed:pld_1:2');
    expect(notice.message).toContain('retryPledgePayment(id: "pld_1"');
    expect(notice.message).toContain('2026-12-08T10:00:00.000Z');
    expect(notice.deadline).toBe('2026-12-08T10:00:00.000Z');
  });

  it('tells a backer whose later payment failed (INCREMENT_FAILED) which one, how to fix it and by when, once per attempt', () => {
    const event: FundingEvent = {
      type: 'funding.pledge.increment_failed',
      pledgeId: 'pld_1',
      campaignId: 'cmp_1',
      backerId: 'prf_b',
      number: 2,
      attempt: 1,
      reason: 'Your card was declined',
      retryUntil: new Date('2026-12-09T10:00:00.000Z'),
    };
    const notice = noticeFor(event, context)!;
    expect(notice).toMatchObject({ kind: 'INCREMENT_FAILED', recipients: ['prf_b'], subjectId: 'pld_1', key: 'funding.pledge.increment_failed:pld_1:2:1' });
    expect(notice.message).toContain('Payment 2');
    expect(notice.message).toContain('retryPledgePayment(id: "pld_1"');
    expect(notice.message).toContain('2026-12-09T10:00:00.000Z');
    expect(noticeFor({ ...event, attempt: 2 }, context)!.key).not.toBe(notice.key);
  });

  it('tells a backer whose pledge over time was dropped what it keeps', () => {
    const notice = noticeFor(
      { type: 'funding.pledge.dropped', pledgeId: 'pld_1', campaignId: 'cmp_1', backerId: 'prf_b', kept: { amount: 2000, currency: 'EUR' } },
      context,
    )!;
    expect(notice.kind).toBe('PLEDGE_DROPPED');
    expect(notice.message).toContain('2000 EUR already paid');
  });

  it('tells the creator of a pledge, with its amount', () => {
    const notice = noticeFor(
      {
        type: 'funding.pledge.created',
        pledgeId: 'pld_1',
        campaignId: 'cmp_1',
        backerId: 'prf_b',
        amount: 1250,
        currency: 'EUR',
        campaign: { title: 'Lamp', creatorId: 'prf_c' },
      },
      context,
    )!;
    expect(notice).toMatchObject({
      kind: 'PLEDGE_RECEIVED',
      recipients: ['prf_creator'],
      subjectId: 'pld_1',
      relatedIds: ['cmp_1'],
    });
    expect(notice.message).toContain('1250 EUR');
  });

  it('tells the creator and the backers at the end how a campaign ended; a cancellation tells nothing', () => {
    const ended = (status: 'SUCCESSFUL' | 'FAILED' | 'CANCELED') =>
      noticeFor({ type: 'funding.campaign.ended', campaignId: 'cmp_1', creatorId: 'prf_creator', status }, context);
    expect(ended('SUCCESSFUL')).toMatchObject({
      kind: 'CAMPAIGN_SUCCEEDED',
      recipients: ['prf_creator'],
      audiences: [{ name: CAMPAIGN_BACKERS_AT_END, id: 'cmp_1' }],
    });
    expect(ended('FAILED')!.kind).toBe('CAMPAIGN_FAILED');
    expect(ended('CANCELED')).toBeNull();
  });

  it('tells the campaign’s followers when it launches, once, never its creator', () => {
    const notice = noticeFor({ type: 'funding.campaign.launched', campaignId: 'cmp_1', creatorId: 'prf_creator' }, context)!;
    expect(notice).toEqual({
      key: 'funding.campaign.launched:cmp_1',
      kind: 'CAMPAIGN_LAUNCHED',
      message: '"Lamp", which you follow, is live: back it now',
      subjectId: 'cmp_1',
      audiences: [{ name: CAMPAIGN_FOLLOWERS, id: 'cmp_1' }],
      except: ['prf_creator'],
    });
  });

  it('tells a collaborator it was added, with its role, once per addition', () => {
    const added = (at: string) =>
      noticeFor({ type: 'funding.collaborator.added', campaignId: 'cmp_1', profileId: 'prf_c', role: 'EDITOR', addedAt: new Date(at) }, context)!;
    expect(added('2026-12-01T10:00:00.000Z')).toEqual({
      key: `funding.collaborator.added:cmp_1:prf_c:${Date.parse('2026-12-01T10:00:00.000Z')}`,
      kind: 'COLLABORATOR_ADDED',
      message: 'You were added to "Lamp" as a collaborator (EDITOR)',
      subjectId: 'cmp_1',
      recipients: ['prf_c'],
    });
    expect(added('2026-12-02T10:00:00.000Z').key).not.toBe(added('2026-12-01T10:00:00.000Z').key);
  });

  it('sends a public update to backers and the creator’s and the campaign’s followers, a backers-only one to backers only', () => {
    const posted = (backersOnly: boolean) =>
      noticeFor(
        {
          type: 'funding.update.posted',
          updateId: 'cup_1',
          campaignId: 'cmp_1',
          authorId: 'prf_creator',
          title: 'News',
          backersOnly,
        },
        context,
      )!;
    expect(posted(false).audiences).toEqual([
      { name: CAMPAIGN_BACKERS, id: 'cmp_1' },
      { name: 'community.followers', id: 'prf_creator' },
      { name: CAMPAIGN_FOLLOWERS, id: 'cmp_1' },
    ]);
    expect(posted(true).audiences).toEqual([{ name: CAMPAIGN_BACKERS, id: 'cmp_1' }]);
    expect(posted(true).except).toEqual(['prf_creator']);
  });

  it('says which facts tell anyone exactly as noticeFor answers them', () => {
    const events: FundingEvent[] = [
      {
        type: 'funding.pledge.created',
        pledgeId: 'pld_1',
        campaignId: 'cmp_1',
        backerId: 'prf_b',
        amount: 1,
        currency: 'EUR',
        campaign: { title: 'Lamp', creatorId: 'prf_c' },
      },
      { type: 'funding.pledge.collected', pledgeId: 'pld_1', campaignId: 'cmp_1', backerId: 'prf_b', amount: 1, currency: 'EUR' },
      { type: 'funding.pledge.dropped', pledgeId: 'pld_1', campaignId: 'cmp_1', backerId: 'prf_b' },
      {
        type: 'funding.pledge.payment_failed',
        pledgeId: 'pld_1',
        campaignId: 'cmp_1',
        backerId: 'prf_b',
        declineCode: 'x',
        reason: 'x',
        requiresAction: false,
      },
      { type: 'funding.campaign.launched', campaignId: 'cmp_1', creatorId: 'prf_c' },
      { type: 'funding.collaborator.added', campaignId: 'cmp_1', profileId: 'prf_x', role: 'VIEWER', addedAt: new Date() },
      ...(['SUCCESSFUL', 'FAILED', 'CANCELED'] as const).map((status) => ({
        type: 'funding.campaign.ended' as const,
        campaignId: 'cmp_1',
        creatorId: 'prf_c',
        status,
      })),
      {
        type: 'funding.update.posted',
        updateId: 'cup_1',
        campaignId: 'cmp_1',
        authorId: 'prf_c',
        title: 'T',
        backersOnly: false,
      },
    ];
    for (const event of events)
      expect([event.type, tellsAnyone(event)]).toEqual([event.type, noticeFor(event, context) !== null]);
  });
});
