import {
  BACKING_PLEDGE_STATUSES,
  LIVE_PLEDGE_STATUSES,
  PLEDGE_EVENTS,
  PLEDGE_STATUSES,
  isLivePledge,
  pledgeEventMoves,
  pledgeTransition,
  sqlStatusList,
  type PledgeEvent,
  type PledgeStatus,
} from './pledge-status.machine';

// Every (state, event) pair, written out independently of the implementation.
const TRANSITIONS: Record<PledgeStatus, Partial<Record<PledgeEvent, PledgeStatus>>> = {
  PENDING: { change: 'PENDING', cancel: 'CANCELED', collect: 'COLLECTED', chargeFail: 'PAYMENT_FAILED', changeCard: 'PENDING' },
  COLLECTED: { refund: 'REFUNDED', changeCard: 'COLLECTED', incrementFail: 'PAYMENT_FAILED' },
  PAYMENT_FAILED: {
    collect: 'COLLECTED',
    chargeFail: 'PAYMENT_FAILED',
    retry: 'PAYMENT_FAILED',
    drop: 'DROPPED',
    changeCard: 'PAYMENT_FAILED',
    incrementCollect: 'COLLECTED',
  },
  DROPPED: {},
  CANCELED: {},
  REFUNDED: {},
};

describe('pledge status machine', () => {
  const pairs = PLEDGE_STATUSES.flatMap((status) => PLEDGE_EVENTS.map((event) => [status, event] as const));

  it('covers all 60 (state, event) pairs', () => {
    expect(pairs).toHaveLength(60);
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

  it('backing pledges (a backers-only poll\'s audience) are the live ones whose payment stands: not a failed payment', () => {
    expect([...BACKING_PLEDGE_STATUSES].sort()).toEqual(['COLLECTED', 'PENDING']);
    for (const status of BACKING_PLEDGE_STATUSES) expect(isLivePledge(status)).toBe(true);
  });

  it('never leaves a final state', () => {
    for (const status of ['DROPPED', 'CANCELED', 'REFUNDED'] as const) {
      for (const event of PLEDGE_EVENTS) expect(pledgeTransition(status, event).ok).toBe(false);
    }
  });

  // The pledge gate's guarded UPDATE is built from these: WHERE status IN (the sources), SET status by source.
  it.each(PLEDGE_EVENTS)('%s moves a pledge from exactly the states the table allows, to the state it says', (event) => {
    const expected = PLEDGE_STATUSES.flatMap((status) => (TRANSITIONS[status][event] ? [[status, TRANSITIONS[status][event]]] : []));
    expect(new Map(pledgeEventMoves(event))).toEqual(new Map(expected as [PledgeStatus, PledgeStatus][]));
  });

  it('writes a status set as an SQL list', () => {
    expect(sqlStatusList(['PENDING', 'COLLECTED'])).toBe(`('PENDING', 'COLLECTED')`);
  });
});
