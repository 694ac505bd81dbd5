import { LIVE_PLEDGE_STATUSES, PLEDGE_EVENTS, PLEDGE_STATUSES, isLivePledge, pledgeTransition, type PledgeEvent, type PledgeStatus } from './pledge-status.machine';

// Every (state, event) pair, written out independently of the implementation.
const TRANSITIONS: Record<PledgeStatus, Partial<Record<PledgeEvent, PledgeStatus>>> = {
  PENDING: { change: 'PENDING', cancel: 'CANCELED', collect: 'COLLECTED', chargeFail: 'PAYMENT_FAILED' },
  COLLECTED: { refund: 'REFUNDED' },
  PAYMENT_FAILED: { collect: 'COLLECTED', chargeFail: 'PAYMENT_FAILED', retry: 'PAYMENT_FAILED', drop: 'DROPPED' },
  DROPPED: {},
  CANCELED: {},
  REFUNDED: {},
};

describe('pledge status machine', () => {
  const pairs = PLEDGE_STATUSES.flatMap((status) => PLEDGE_EVENTS.map((event) => [status, event] as const));

  it('covers all 42 (state, event) pairs', () => {
    expect(pairs).toHaveLength(42);
  });

  it.each(pairs)('%s --%s-->', (status, event) => {
    const expected = TRANSITIONS[status][event];
    const result = pledgeTransition(status, event);
    if (expected) {
      expect(result).toEqual({ ok: true, next: expected });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toMatch(new RegExp(`^Cannot .+ a ${status} pledge: .+; .+`));
    }
  });

  it('tells the backer what to do instead', () => {
    expect(pledgeTransition('COLLECTED', 'cancel')).toEqual({
      ok: false,
      reason: 'Cannot cancel a COLLECTED pledge: it was already charged; only a PENDING pledge can be canceled, before the deadline',
    });
    expect(pledgeTransition('PENDING', 'retry')).toEqual({
      ok: false,
      reason: expect.stringContaining('only a PAYMENT_FAILED pledge can be paid again (retryPledgePayment)'),
    });
  });

  it('live pledges are the ones that hold a unit and count as pledged', () => {
    expect([...LIVE_PLEDGE_STATUSES].sort()).toEqual(['COLLECTED', 'PAYMENT_FAILED', 'PENDING']);
    for (const status of PLEDGE_STATUSES) expect(isLivePledge(status)).toBe(LIVE_PLEDGE_STATUSES.includes(status));
  });

  it('never leaves a final state', () => {
    for (const status of ['DROPPED', 'CANCELED', 'REFUNDED'] as const) {
      for (const event of PLEDGE_EVENTS) expect(pledgeTransition(status, event).ok).toBe(false);
    }
  });
});
