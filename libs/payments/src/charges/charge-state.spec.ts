import fc from 'fast-check';
import { applyChargeFact, type ChargeFact, type ChargeState } from './charge-state';

function replay(facts: ChargeFact[]) {
  let state: ChargeState | null = null;
  const news = { succeeded: 0, failed: 0, refunded: 0 };
  for (const fact of facts) {
    const transition = applyChargeFact(state, fact);
    state = transition.next;
    if (transition.becameSucceeded) news.succeeded++;
    if (transition.becameFailed) news.failed++;
    news.refunded += transition.refundedMore;
  }
  return { state, news };
}

describe('charge state', () => {
  it('records a success, then refunds that only grow', () => {
    const { state, news } = replay([{ kind: 'succeeded' }, { kind: 'refunded', amountRefunded: 300 }, { kind: 'refunded', amountRefunded: 200 }]);
    expect(state).toEqual({ status: 'succeeded', declineCode: null, amountRefunded: 300 });
    expect(news).toEqual({ succeeded: 1, failed: 0, refunded: 300 });
  });

  it('never turns a success back into a failure (a late payment_failed of an earlier attempt)', () => {
    const { state } = replay([{ kind: 'succeeded' }, { kind: 'failed', declineCode: 'card_declined' }]);
    expect(state).toEqual({ status: 'succeeded', declineCode: null, amountRefunded: 0 });
  });

  it('takes a refund arriving first as proof of success', () => {
    const { state, news } = replay([{ kind: 'refunded', amountRefunded: 500 }, { kind: 'succeeded' }]);
    expect(state).toEqual({ status: 'succeeded', declineCode: null, amountRefunded: 500 });
    expect(news).toEqual({ succeeded: 1, failed: 0, refunded: 500 });
  });

  it('records a failure with its decline code, and a later success over it', () => {
    expect(replay([{ kind: 'failed', declineCode: 'insufficient_funds' }]).state).toEqual({
      status: 'failed',
      declineCode: 'insufficient_funds',
      amountRefunded: 0,
    });
    expect(replay([{ kind: 'failed', declineCode: 'card_declined' }, { kind: 'succeeded' }]).state?.status).toBe('succeeded');
  });

  it('ends in the same state, with each piece of news once, in any order and with any duplicates (property)', () => {
    const fact: fc.Arbitrary<ChargeFact> = fc.oneof(
      fc.constant<ChargeFact>({ kind: 'succeeded' }),
      fc.constant<ChargeFact>({ kind: 'failed', declineCode: 'card_declined' }),
      fc.integer({ min: 1, max: 1000 }).map<ChargeFact>((amountRefunded) => ({ kind: 'refunded', amountRefunded })),
    );
    fc.assert(
      fc.property(fc.array(fact, { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), (facts, seeds) => {
        const shuffled = facts.map((item) => ({ item, key: seeds.next().value })).sort((a, b) => a.key - b.key).map(({ item }) => item);
        const duplicated = [...shuffled, ...facts.slice(0, 3)];
        const a = replay(facts);
        const b = replay(duplicated);
        expect(b.state).toEqual(a.state);
        expect(b.news.succeeded).toBe(a.news.succeeded);
        expect(b.news.refunded).toBe(a.news.refunded);
        expect(a.news.succeeded).toBeLessThanOrEqual(1);
        expect(a.news.refunded).toBe(a.state!.amountRefunded);
      }),
    );
  });
});
