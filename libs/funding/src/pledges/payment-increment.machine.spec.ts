import {
  INCREMENT_EVENTS,
  INCREMENT_STATES,
  OPEN_INCREMENT_STATES,
  incrementEventMoves,
  incrementTransition,
  type IncrementEvent,
  type IncrementState,
} from './payment-increment.machine';

// Every (state, event) pair, written out independently of the implementation.
const TRANSITIONS: Record<IncrementState, Partial<Record<IncrementEvent, IncrementState>>> = {
  SCHEDULED: { collect: 'COLLECTED', fail: 'FAILED', cancel: 'CANCELED' },
  COLLECTED: { refund: 'REFUNDED' },
  FAILED: { collect: 'COLLECTED', fail: 'FAILED', cancel: 'CANCELED' },
  CANCELED: {},
  REFUNDED: {},
};

describe('payment increment machine', () => {
  const pairs = INCREMENT_STATES.flatMap((state) => INCREMENT_EVENTS.map((event) => [state, event] as const));

  it('covers all 20 (state, event) pairs', () => {
    expect(pairs).toHaveLength(20);
  });

  it.each(pairs)('%s --%s-->', (state, event) => {
    const expected = TRANSITIONS[state][event];
    const result = incrementTransition(state, event);
    if (expected) {
      expect(result).toEqual({ ok: true, next: expected });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toMatch(new RegExp(`^Cannot ${event} a ${state} payment: .+; .+`));
    }
  });

  it.each(INCREMENT_EVENTS)('%s moves a payment from exactly the states the table allows', (event) => {
    const expected = INCREMENT_STATES.flatMap((state) => (TRANSITIONS[state][event] ? [[state, TRANSITIONS[state][event]]] : []));
    expect(new Map(incrementEventMoves(event))).toEqual(new Map(expected as [IncrementState, IncrementState][]));
  });

  it('never leaves CANCELED or REFUNDED', () => {
    for (const state of ['CANCELED', 'REFUNDED'] as const) {
      for (const event of INCREMENT_EVENTS) expect(incrementTransition(state, event).ok).toBe(false);
    }
  });

  it('the open payments are the ones a cancel may still stop', () => {
    expect([...OPEN_INCREMENT_STATES].sort()).toEqual(INCREMENT_STATES.filter((state) => TRANSITIONS[state].cancel).sort());
  });
});
