import { stripeEventSample, stripeSample } from '@foule/payments/testing';
import { factFromStripeEvent, malformedEventProblem as problemOf } from './stripe-event-facts';

/** Stripe's sample event around `object` (built from Stripe's own sample of the resource). */
const event = (type: string, object: object, created = 1_900_000_000) => stripeEventSample(type, object, created);

describe('factFromStripeEvent', () => {
  it('reads a succeeded PaymentIntent', () => {
    expect(
      factFromStripeEvent(event('payment_intent.succeeded', stripeSample('payment_intent', { id: 'pi_1', amount: 2500, amount_received: 2500, currency: 'eur', customer: 'cus_1' }))),
    ).toEqual({ kind: 'charge', fact: 'succeeded', chargeId: 'pi_1', customerId: 'cus_1', amount: 2500, currency: 'EUR' });
  });

  it('reads the decline code of a failed PaymentIntent, falling back to the error code', () => {
    const withDecline = event('payment_intent.payment_failed', stripeSample('payment_intent', {
      id: 'pi_2',
      amount: 900,
      currency: 'usd',
      customer: stripeSample('customer', { id: 'cus_2' }),
      last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' },
    }));
    expect(factFromStripeEvent(withDecline)).toMatchObject({ fact: 'failed', declineCode: 'insufficient_funds', customerId: 'cus_2', currency: 'USD' });
    const codeOnly = event('payment_intent.payment_failed', stripeSample('payment_intent', { id: 'pi_3', amount: 900, currency: 'usd', last_payment_error: { type: 'card_error', code: 'expired_card', decline_code: '' } }));
    expect(factFromStripeEvent(codeOnly)).toMatchObject({ declineCode: 'expired_card', customerId: null });
  });

  it('keys a refunded Charge by its PaymentIntent, with the total refunded', () => {
    const refunded = event('charge.refunded', stripeSample('charge', { id: 'ch_1', payment_intent: 'pi_1', amount: 2500, amount_refunded: 1000, currency: 'eur', customer: 'cus_1' }));
    expect(factFromStripeEvent(refunded)).toEqual({
      kind: 'charge',
      fact: 'refunded',
      chargeId: 'pi_1',
      customerId: 'cus_1',
      amount: 2500,
      currency: 'EUR',
      amountRefunded: 1000,
    });
  });

  it('reads whether an account can receive payouts, as of the event', () => {
    expect(factFromStripeEvent(event('account.updated', stripeSample('account', { id: 'acct_1', payouts_enabled: true, charges_enabled: false }), 1_900_000_123))).toEqual({
      kind: 'account',
      accountId: 'acct_1',
      payoutsEnabled: true,
      reportedAt: new Date(1_900_000_123_000),
    });
  });

  it('reads transfers and full reversals, and leaves partial reversals alone', () => {
    const transfer = stripeSample('transfer', { id: 'tr_1', amount: 5000, currency: 'eur', metadata: { payoutId: 'pay_1' }, amount_reversed: 0, reversed: false });
    expect(factFromStripeEvent(event('transfer.created', transfer))).toEqual({
      kind: 'transfer',
      transferId: 'tr_1',
      payoutId: 'pay_1',
      amount: 5000,
      currency: 'EUR',
      reversed: false,
    });
    expect(factFromStripeEvent(event('transfer.reversed', { ...transfer, amount_reversed: 5000, reversed: true }))).toMatchObject({ reversed: true });
    expect(factFromStripeEvent(event('transfer.reversed', { ...transfer, amount_reversed: 100 }))).toMatchObject({ kind: 'ignored' });
    expect(factFromStripeEvent(event('transfer.created', stripeSample('transfer', { ...transfer, metadata: {} })))).toMatchObject({ payoutId: null });
  });

  it('ignores events it cannot read, instead of failing them forever', () => {
    expect(factFromStripeEvent(event('payment_intent.succeeded', stripeSample('payment_intent', { id: 'pi_1', amount: undefined, amount_received: undefined, currency: 'eur' })))).toMatchObject({ kind: 'ignored' });
    expect(factFromStripeEvent(event('payment_intent.succeeded', stripeSample('payment_intent', { id: undefined, amount: 5, currency: 'eur' })))).toMatchObject({ kind: 'ignored' });
    expect(factFromStripeEvent(event('charge.refunded', stripeSample('charge', { id: 'ch_1', amount: 5, amount_refunded: 6, currency: 'eur' })))).toMatchObject({ kind: 'ignored' });
    expect(factFromStripeEvent(event('transfer.created', stripeSample('transfer', { id: 'tr_1', amount: 5, currency: 'euro' })))).toMatchObject({ kind: 'ignored' });
    expect(factFromStripeEvent(event('account.updated', stripeSample('account', { id: undefined, payouts_enabled: true })))).toMatchObject({ kind: 'ignored' });
  });

  it('ignores events we do not act on', () => {
    expect(factFromStripeEvent(event('customer.created', stripeSample('customer', { id: 'cus_1' })))).toMatchObject({ kind: 'ignored' });
  });
});

describe('malformedEventProblem', () => {
  // @foule/shared's isStorableText (tested there), restated for the test data: no NUL, no surrogate.
  // eslint-disable-next-line no-control-regex
  const isStorableText = (text: string) => !/[\u0000\uD800-\uDFFF]/.test(text);
  const malformedEventProblem = (value: unknown) => problemOf(value, isStorableText);

  it('accepts an event it can record', () => {
    expect(malformedEventProblem(event('payment_intent.succeeded', { id: 'pi_1', description: 'café ☕' }))).toBeUndefined();
  });

  it.each([
    ['a NUL in the id', { ...event('charge.refunded', { id: 'ch_1' }), id: 'evt_\u0000' }, /event id/],
    ['a created time that is not a number', { ...event('charge.refunded', { id: 'ch_1' }), created: 'yesterday' }, /created/],
    ['a fractional created time', { ...event('charge.refunded', { id: 'ch_1' }), created: 1.5 }, /created/],
    ['no data.object', { id: 'evt_1', type: 'charge.refunded', created: 1, data: null }, /data.object/],
    ['a NUL deep in the object', event('charge.refunded', { id: 'ch_1', metadata: { note: 'a\u0000b' } }), /NUL/],
    ['a lone surrogate in a key', event('charge.refunded', { id: 'ch_1', ['\uD800']: 1 }), /NUL/],
  ])('refuses %s', (_what, malformed, reason) => {
    expect(malformedEventProblem(malformed)).toMatch(reason);
  });
});
