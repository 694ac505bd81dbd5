/**
 * The Stripe adapter with the real `stripe` SDK, against the local Stripe server (no network).
 */
import { randomUUID } from 'node:crypto';
import { type ChargeResult, ProviderError } from '../payment-provider';
import { DECLINE_MESSAGES } from '../test-cards';
import { StripePaymentProvider, stripeConnectionOptions } from './stripe-provider';
import { type LocalStripeServer, parseStripeForm, startLocalStripeServer } from '@foule/payments/testing';

const SECRET_KEY = 'sk_test_foule_local_0123456789';
const RETURN_URL = 'http://localhost:3000/payouts/return';

let server: LocalStripeServer;
let stripe: StripePaymentProvider;

/** A fresh idempotency key in our format. */
const key = (what: string): string => `${what}:${randomUUID()}:1`;

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected the call to be rejected');
}

beforeAll(async () => {
  server = await startLocalStripeServer();
  stripe = new StripePaymentProvider({
    secretKey: SECRET_KEY,
    publishableKey: 'pk_test_foule',
    apiUrl: server.url,
    maxNetworkRetries: 0,
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => server.reset());

/** A customer with a saved card, ready for off-session charges. */
async function customerWithCard(testPaymentMethod: string): Promise<{ customerId: string; paymentMethodId: string }> {
  const { customerId } = await stripe.ensureCustomer({ profileId: `prf_${randomUUID()}`, idempotencyKey: key('customer') });
  const saved = await stripe.savePaymentMethod({ customerId, paymentMethodId: testPaymentMethod, idempotencyKey: key('setup') });
  if (saved.status !== 'succeeded') throw new Error(`saving ${testPaymentMethod} failed: ${saved.declineCode}`);
  return { customerId, paymentMethodId: saved.paymentMethodId };
}

describe('configuration', () => {
  it('parses the API URL into the SDK’s host, port and protocol', () => {
    expect(stripeConnectionOptions('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(stripeConnectionOptions('https://api.stripe.com')).toEqual({ host: 'api.stripe.com', port: 443, protocol: 'https' });
    expect(() => stripeConnectionOptions('ftp://x')).toThrow(/http/);
    expect(() => stripeConnectionOptions('http://x/v1')).toThrow(/path/);
  });

  it('names itself and exposes the publishable key', () => {
    expect(stripe.name).toBe('stripe');
    expect(stripe.publishableKey).toBe('pk_test_foule');
    expect(() => new StripePaymentProvider({ secretKey: 'pk_test_oops' })).toThrow(/publishable/);
  });
});

describe('customers and setup intents', () => {
  it('creates a customer carrying the profile id, with our idempotency key and our secret key', async () => {
    const idempotencyKey = key('profile:prf_1:customer');
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_1', idempotencyKey });

    expect(customerId).toMatch(/^cus_[A-Za-z0-9]{24}$/);
    expect(server.state.customers.get(customerId)?.metadata).toEqual({ profileId: 'prf_1' });
    const [request] = server.requestsTo('POST', '/v1/customers');
    expect(request.headers['idempotency-key']).toBe(idempotencyKey);
    expect(request.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.rawBody).toBe('metadata[profileId]=prf_1');
  });

  it('the same key twice gives the same customer, the second answer replayed', async () => {
    const idempotencyKey = key('profile:prf_2:customer');
    const first = await stripe.ensureCustomer({ profileId: 'prf_2', idempotencyKey });
    const second = await stripe.ensureCustomer({ profileId: 'prf_2', idempotencyKey });

    expect(second.customerId).toBe(first.customerId);
    expect(server.state.customers.size).toBe(1);
    expect(server.requestsTo('POST', '/v1/customers').map((r) => r.replayed)).toEqual([false, true]);
  });

  it('creates an off-session SetupIntent whose client secret a client can confirm', async () => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_3', idempotencyKey: key('customer') });
    const idempotencyKey = key('setup-intent');
    const { setupIntentId, clientSecret } = await stripe.createSetupIntent({ customerId, idempotencyKey });

    expect(setupIntentId).toMatch(/^seti_/);
    expect(clientSecret.startsWith(`${setupIntentId}_secret_`)).toBe(true);
    const [request] = server.requestsTo('POST', '/v1/setup_intents');
    expect(request.params).toMatchObject({ customer: customerId, usage: 'off_session' });
    expect(request.idempotencyKey).toBe(idempotencyKey);
    expect(server.state.setupIntents.get(setupIntentId)?.status).toBe('requires_payment_method');
  });
});

describe('saving a payment method', () => {
  it('attaches the card and confirms an off-session SetupIntent; the new PaymentMethod id is returned', async () => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_4', idempotencyKey: key('customer') });
    const idempotencyKey = key('profile:prf_4:setup');
    const saved = await stripe.savePaymentMethod({ customerId, paymentMethodId: 'pm_card_visa', idempotencyKey });

    expect(saved.status).toBe('succeeded');
    const paymentMethodId = (saved as { paymentMethodId: string }).paymentMethodId;
    expect(paymentMethodId).toMatch(/^pm_[A-Za-z0-9]{24}$/);
    expect(server.state.paymentMethods.get(paymentMethodId)).toMatchObject({
      customer: customerId,
      card: { brand: 'visa', last4: '4242' },
    });

    const [attach] = server.requestsTo('POST', /^\/v1\/payment_methods\/pm_card_visa\/attach$/);
    expect(attach.params).toEqual({ customer: customerId });
    expect(attach.idempotencyKey).toBe(`${idempotencyKey}:attach`);
    const [setup] = server.requestsTo('POST', '/v1/setup_intents');
    expect(setup.params).toMatchObject({
      customer: customerId,
      payment_method: paymentMethodId,
      usage: 'off_session',
      confirm: 'true',
    });
    expect(setup.idempotencyKey).toBe(`${idempotencyKey}:setup`);
    const [intent] = [...server.state.setupIntents.values()];
    expect(intent).toMatchObject({ status: 'succeeded', usage: 'off_session', payment_method: paymentMethodId });
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card'],
  ])('%s is declined when saved: %s', async (paymentMethodId, declineCode) => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_5', idempotencyKey: key('customer') });
    const saved = await stripe.savePaymentMethod({ customerId, paymentMethodId, idempotencyKey: key('setup') });

    expect(saved).toEqual({ status: 'failed', declineCode, message: DECLINE_MESSAGES[declineCode] });
    expect(server.requestsTo('POST', /\/attach$/).map((r) => r.status)).toEqual([402]);
    expect([...server.state.paymentMethods.values()].every((pm) => pm.customer === null)).toBe(true);
  });

  it.each(['pm_card_mastercard', 'pm_card_chargeCustomerFail', 'pm_card_authenticationRequired'])('%s is saved', async (pm) => {
    const { paymentMethodId } = await customerWithCard(pm);
    expect(server.state.paymentMethods.get(paymentMethodId)?.customer).toMatch(/^cus_/);
  });

  it('an unknown payment method is invalid_request on paymentMethodId', async () => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_6', idempotencyKey: key('customer') });
    const error = await rejection(
      stripe.savePaymentMethod({ customerId, paymentMethodId: 'pm_card_bogus', idempotencyKey: key('setup') }),
    );

    expect(error.kind).toBe('invalid_request');
    expect(error.param).toBe('paymentMethodId');
    expect(error.message).toBe("No such PaymentMethod: 'pm_card_bogus'");
  });

  it('a retried save with the same key replays both steps and makes no second PaymentMethod', async () => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_7', idempotencyKey: key('customer') });
    const idempotencyKey = key('setup');
    const first = await stripe.savePaymentMethod({ customerId, paymentMethodId: 'pm_card_visa', idempotencyKey });
    const second = await stripe.savePaymentMethod({ customerId, paymentMethodId: 'pm_card_visa', idempotencyKey });

    expect(second).toEqual(first);
    expect(server.state.paymentMethods.size).toBe(1);
    expect(server.state.setupIntents.size).toBe(1);
    expect(server.requests.filter((r) => r.method === 'POST' && r.path !== '/v1/customers').map((r) => r.replayed)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});

describe('charging', () => {
  it('charges a saved card off-session: exact amount, lower-case currency, transfer group and metadata on the wire', async () => {
    const { customerId, paymentMethodId } = await customerWithCard('pm_card_visa');
    const idempotencyKey = key('pledge:pld_1:charge');
    const result = await stripe.chargeOffSession({
      customerId,
      paymentMethodId,
      money: { amount: 123_457, currency: 'EUR' },
      idempotencyKey,
      description: 'Pledge pld_1',
      transferGroup: 'campaign:cmp_1',
      metadata: { pledgeId: 'pld_1' },
    });

    expect(result.status).toBe('succeeded');
    const chargeId = (result as { chargeId: string }).chargeId;
    expect(chargeId).toMatch(/^pi_/);
    const [request] = server.requestsTo('POST', '/v1/payment_intents');
    expect(request.idempotencyKey).toBe(idempotencyKey);
    expect(request.params).toMatchObject({
      amount: '123457',
      currency: 'eur',
      customer: customerId,
      payment_method: paymentMethodId,
      confirm: 'true',
      off_session: 'true',
      description: 'Pledge pld_1',
      transfer_group: 'campaign:cmp_1',
      metadata: { pledgeId: 'pld_1' },
    });
    expect(server.state.paymentIntents.get(chargeId)).toMatchObject({
      status: 'succeeded',
      amount: 123_457,
      amount_received: 123_457,
      currency: 'eur',
      transfer_group: 'campaign:cmp_1',
    });
  });

  it('charges on-session without off_session', async () => {
    const { customerId, paymentMethodId } = await customerWithCard('pm_card_mastercard');
    const result = await stripe.chargeOnSession({
      customerId,
      paymentMethodId,
      money: { amount: 500, currency: 'USD' },
      idempotencyKey: key('pledge:pld_2:charge'),
      description: 'Pledge pld_2',
    });

    expect(result.status).toBe('succeeded');
    const [request] = server.requestsTo('POST', '/v1/payment_intents');
    expect(request.params.off_session).toBeUndefined();
    expect(request.params).toMatchObject({ amount: '500', currency: 'usd', confirm: 'true' });
    expect(request.params.transfer_group).toBeUndefined();
  });

  it('a zero-decimal currency keeps its amount as is', async () => {
    const { customerId, paymentMethodId } = await customerWithCard('pm_card_visa');
    await stripe.chargeOffSession({
      customerId,
      paymentMethodId,
      money: { amount: 1500, currency: 'JPY' },
      idempotencyKey: key('charge'),
      description: 'yen',
    });
    expect(server.requestsTo('POST', '/v1/payment_intents')[0].params).toMatchObject({ amount: '1500', currency: 'jpy' });
  });

  it('a saved pm_card_chargeCustomerFail declines off-session with the failed PaymentIntent as chargeId', async () => {
    const { customerId, paymentMethodId } = await customerWithCard('pm_card_chargeCustomerFail');
    const result = await stripe.chargeOffSession({
      customerId,
      paymentMethodId,
      money: { amount: 2000, currency: 'USD' },
      idempotencyKey: key('charge'),
      description: 'x',
    });

    expect(result).toMatchObject({
      status: 'failed',
      declineCode: 'card_declined',
      message: 'Your card was declined.',
      requiresAction: false,
    });
    const chargeId = (result as { chargeId?: string }).chargeId!;
    expect(server.state.paymentIntents.get(chargeId)?.status).toBe('requires_payment_method');
    expect(server.requestsTo('POST', '/v1/payment_intents').map((r) => r.status)).toEqual([402]);
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card'],
  ])('charging %s is declined with %s, on- and off-session', async (paymentMethodId, declineCode) => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_8', idempotencyKey: key('customer') });
    const input = { customerId, paymentMethodId, money: { amount: 999, currency: 'GBP' }, description: 'x' };
    const on = await stripe.chargeOnSession({ ...input, idempotencyKey: key('charge') });
    const off = await stripe.chargeOffSession({ ...input, idempotencyKey: key('charge') });

    for (const result of [on, off]) {
      expect(result).toEqual({
        status: 'failed',
        declineCode,
        message: DECLINE_MESSAGES[declineCode],
        requiresAction: false,
        chargeId: expect.stringMatching(/^pi_/),
      });
    }
  });

  it('pm_card_authenticationRequired: off-session needs the customer back, on-session succeeds', async () => {
    const { customerId, paymentMethodId } = await customerWithCard('pm_card_authenticationRequired');
    const input = { customerId, paymentMethodId, money: { amount: 4200, currency: 'USD' }, description: 'x' };

    const off = await stripe.chargeOffSession({ ...input, idempotencyKey: key('charge') });
    expect(off).toEqual({
      status: 'failed',
      declineCode: 'authentication_required',
      message: DECLINE_MESSAGES.authentication_required,
      requiresAction: true,
      chargeId: expect.stringMatching(/^pi_/),
    });

    const on = await stripe.chargeOnSession({ ...input, idempotencyKey: key('charge') });
    expect(on.status).toBe('succeeded');
    expect(server.state.paymentIntents.get((on as { chargeId: string }).chargeId)?.amount_received).toBe(4200);
  });

  it('a PaymentIntent that comes back requires_action is a failure needing action', async () => {
    server.state.authenticateOnSession = true;
    const { customerId, paymentMethodId } = await customerWithCard('pm_card_authenticationRequired');
    const result = await stripe.chargeOnSession({
      customerId,
      paymentMethodId,
      money: { amount: 4200, currency: 'USD' },
      idempotencyKey: key('charge'),
      description: 'x',
    });

    expect(result).toMatchObject({ status: 'failed', declineCode: 'authentication_required', requiresAction: true });
    const chargeId = (result as { chargeId?: string }).chargeId!;
    expect(server.state.paymentIntents.get(chargeId)?.status).toBe('requires_action');
    expect(server.requestsTo('POST', '/v1/payment_intents').map((r) => r.status)).toEqual([200]);
  });

  it('an unknown payment method is invalid_request on paymentMethodId, and nothing is charged', async () => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_9', idempotencyKey: key('customer') });
    const error = await rejection(
      stripe.chargeOffSession({
        customerId,
        paymentMethodId: 'pm_does_not_exist',
        money: { amount: 100, currency: 'USD' },
        idempotencyKey: key('charge'),
        description: 'x',
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'paymentMethodId' });
    expect(server.state.paymentIntents.size).toBe(0);
  });

  it('an amount out of range or a malformed currency never reaches Stripe', async () => {
    const input = { customerId: 'cus_x', paymentMethodId: 'pm_card_visa', description: 'x', idempotencyKey: key('charge') };
    expect(await rejection(stripe.chargeOffSession({ ...input, money: { amount: 0, currency: 'USD' } }))).toMatchObject({
      kind: 'invalid_request',
      param: 'money.amount',
    });
    expect(await rejection(stripe.chargeOffSession({ ...input, money: { amount: 100_000_000, currency: 'USD' } }))).toMatchObject(
      {
        kind: 'invalid_request',
        param: 'money.amount',
      },
    );
    expect(await rejection(stripe.chargeOffSession({ ...input, money: { amount: 10.5, currency: 'USD' } }))).toMatchObject({
      param: 'money.amount',
    });
    expect(await rejection(stripe.chargeOffSession({ ...input, money: { amount: 100, currency: 'EURO' } }))).toMatchObject({
      param: 'money.currency',
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('idempotency', () => {
  const chargeWith = (
    ids: { customerId: string; paymentMethodId: string },
    idempotencyKey: string,
    amount: number,
  ): Promise<ChargeResult> =>
    stripe.chargeOffSession({ ...ids, money: { amount, currency: 'USD' }, idempotencyKey, description: 'Pledge' });

  it('the same key twice returns the same charge, replayed by the server, charged once', async () => {
    const ids = await customerWithCard('pm_card_visa');
    const idempotencyKey = key('pledge:pld_3:charge');
    const first = await chargeWith(ids, idempotencyKey, 2500);
    const second = await chargeWith(ids, idempotencyKey, 2500);

    expect(first.status).toBe('succeeded');
    expect(second).toEqual(first);
    expect(server.state.paymentIntents.size).toBe(1);
    const requests = server.requestsTo('POST', '/v1/payment_intents');
    expect(requests.map((r) => [r.idempotencyKey, r.replayed])).toEqual([
      [idempotencyKey, false],
      [idempotencyKey, true],
    ]);
  });

  it('a declined charge replays as the same decline', async () => {
    const ids = await customerWithCard('pm_card_chargeCustomerFail');
    const idempotencyKey = key('charge');
    const first = await chargeWith(ids, idempotencyKey, 2500);
    const second = await chargeWith(ids, idempotencyKey, 2500);

    expect(first).toMatchObject({ status: 'failed', declineCode: 'card_declined' });
    expect(second).toEqual(first);
    expect(server.state.paymentIntents.size).toBe(1);
  });

  it('the same key with another amount is idempotency_mismatch', async () => {
    const ids = await customerWithCard('pm_card_visa');
    const idempotencyKey = key('charge');
    await chargeWith(ids, idempotencyKey, 2500);
    const error = await rejection(chargeWith(ids, idempotencyKey, 2600));

    expect(error.kind).toBe('idempotency_mismatch');
    expect(error.message).toMatch(/same parameters/);
    expect(server.state.paymentIntents.size).toBe(1);
    expect(server.requestsTo('POST', '/v1/payment_intents').map((r) => r.status)).toEqual([200, 400]);
  });

  it('the same key on another endpoint is idempotency_mismatch', async () => {
    const ids = await customerWithCard('pm_card_visa');
    const idempotencyKey = key('shared');
    const charged = await chargeWith(ids, idempotencyKey, 2500);
    const error = await rejection(
      stripe.refund({
        chargeId: (charged as { chargeId: string }).chargeId,
        money: { amount: 100, currency: 'USD' },
        idempotencyKey,
      }),
    );
    expect(error.kind).toBe('idempotency_mismatch');
    expect(server.state.refunds.size).toBe(0);
  });

  it('every POST carries our idempotency key, never one the SDK made up', async () => {
    const ids = await customerWithCard('pm_card_visa');
    const charged = await chargeWith(ids, key('charge'), 1000);
    await stripe.refund({
      chargeId: (charged as { chargeId: string }).chargeId,
      money: { amount: 1000, currency: 'USD' },
      idempotencyKey: key('refund'),
    });
    const account = await stripe.createPayoutAccount({
      profileId: 'prf_x',
      country: 'US',
      idempotencyKey: key('payout-account'),
      returnUrl: RETURN_URL,
    });
    server.enablePayouts(account.accountId);
    await stripe.transfer({
      accountId: account.accountId,
      money: { amount: 100, currency: 'USD' },
      idempotencyKey: key('payout'),
    });

    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(new Set(posts.map((r) => r.path))).toEqual(
      new Set([
        '/v1/customers',
        '/v1/payment_methods/pm_card_visa/attach',
        '/v1/setup_intents',
        '/v1/payment_intents',
        '/v1/refunds',
        '/v1/accounts',
        '/v1/account_links',
        '/v1/transfers',
      ]),
    );
    for (const request of posts) {
      expect(request.idempotencyKey).toMatch(/^[a-z-]+:[0-9a-f-]{36}:1(:[a-z]+)?$/);
      expect(request.headers['idempotency-key']).toBe(request.idempotencyKey);
    }
  });
});

describe('failures of Stripe itself are transient', () => {
  it('a 500 is transient, and a retry with the same key charges exactly once', async () => {
    const ids = await customerWithCard('pm_card_visa');
    const input = { ...ids, money: { amount: 700, currency: 'USD' }, idempotencyKey: key('charge'), description: 'x' };
    server.failNext(500);
    const error = await rejection(stripe.chargeOffSession(input));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/500/);
    expect(server.state.paymentIntents.size).toBe(0);

    const retried = await stripe.chargeOffSession(input);
    expect(retried.status).toBe('succeeded');
    expect(server.state.paymentIntents.size).toBe(1);
  });

  it('a rate limit (429) is transient', async () => {
    server.failNext(429);
    const error = await rejection(stripe.ensureCustomer({ profileId: 'prf_10', idempotencyKey: key('customer') }));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/rate limit/i);
  });

  it('a timeout is transient; the charge happened, and the retry with the same key replays it', async () => {
    const impatient = new StripePaymentProvider({
      secretKey: SECRET_KEY,
      apiUrl: server.url,
      timeoutMs: 200,
      maxNetworkRetries: 0,
    });
    const ids = await customerWithCard('pm_card_visa');
    const input = {
      ...ids,
      money: { amount: 900, currency: 'USD' },
      idempotencyKey: key('pledge:pld_4:charge'),
      description: 'x',
    };
    server.delayNext(1000);

    const error = await rejection(impatient.chargeOffSession(input));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/timeout/);
    expect(server.state.paymentIntents.size).toBe(1);

    const retried = await impatient.chargeOffSession(input);
    const [pi] = [...server.state.paymentIntents.values()];
    expect(retried).toEqual({ status: 'succeeded', chargeId: pi.id });
    expect(server.state.paymentIntents.size).toBe(1);
    expect(server.requestsTo('POST', '/v1/payment_intents').map((r) => r.replayed)).toEqual([false, true]);
  });

  it('an unreachable server is transient', async () => {
    const closed = await startLocalStripeServer();
    const url = closed.url;
    await closed.close();
    const orphan = new StripePaymentProvider({ secretKey: SECRET_KEY, apiUrl: url, maxNetworkRetries: 0 });
    const error = await rejection(orphan.ensureCustomer({ profileId: 'prf_11', idempotencyKey: key('customer') }));
    expect(error.kind).toBe('transient');
  });

  it('a rejected API key is transient (fix the configuration, retry) and says so', async () => {
    const strict = await startLocalStripeServer({ secretKey: 'sk_test_the_right_one' });
    try {
      const wrong = new StripePaymentProvider({ secretKey: 'sk_test_the_wrong_one', apiUrl: strict.url, maxNetworkRetries: 0 });
      const error = await rejection(wrong.ensureCustomer({ profileId: 'prf_12', idempotencyKey: key('customer') }));
      expect(error.kind).toBe('transient');
      expect(error.message).toMatch(/API key/);
      expect(strict.requests.map((r) => r.status)).toEqual([401]);
    } finally {
      await strict.close();
    }
  });
});

describe('refunds', () => {
  async function charged(amount: number): Promise<string> {
    const ids = await customerWithCard('pm_card_visa');
    const result = await stripe.chargeOffSession({
      ...ids,
      money: { amount, currency: 'EUR' },
      idempotencyKey: key('charge'),
      description: 'x',
    });
    return (result as { chargeId: string }).chargeId;
  }

  it('refunds part of a charge, then the rest, and refuses more', async () => {
    const chargeId = await charged(5000);
    const first = await stripe.refund({
      chargeId,
      money: { amount: 2000, currency: 'EUR' },
      idempotencyKey: key('refund'),
      reason: 'requested_by_customer',
    });
    expect(first.refundId).toMatch(/^re_/);
    expect(server.state.refunds.get(first.refundId)).toMatchObject({
      amount: 2000,
      currency: 'eur',
      payment_intent: chargeId,
      reason: 'requested_by_customer',
    });
    expect(server.requestsTo('POST', '/v1/refunds')[0].params).toEqual({
      payment_intent: chargeId,
      amount: '2000',
      reason: 'requested_by_customer',
    });

    const rest = await stripe.refund({ chargeId, money: { amount: 3000, currency: 'EUR' }, idempotencyKey: key('refund') });
    expect(server.state.refunds.get(rest.refundId)?.amount).toBe(3000);

    const error = await rejection(
      stripe.refund({ chargeId, money: { amount: 1, currency: 'EUR' }, idempotencyKey: key('refund') }),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(/already been refunded/);
  });

  it('refuses to refund more than was charged, on money.amount', async () => {
    const chargeId = await charged(1000);
    const error = await rejection(
      stripe.refund({ chargeId, money: { amount: 1001, currency: 'EUR' }, idempotencyKey: key('refund') }),
    );
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'money.amount' });
    expect(server.state.refunds.size).toBe(0);
  });

  it('a reason Stripe does not know goes into metadata', async () => {
    const chargeId = await charged(1000);
    const { refundId } = await stripe.refund({
      chargeId,
      money: { amount: 1000, currency: 'EUR' },
      idempotencyKey: key('refund'),
      reason: 'campaign canceled',
    });
    expect(server.state.refunds.get(refundId)).toMatchObject({ reason: null, metadata: { reason: 'campaign canceled' } });
  });

  it('refunding an unknown charge is invalid_request on chargeId', async () => {
    const error = await rejection(
      stripe.refund({ chargeId: 'pi_unknown', money: { amount: 1, currency: 'EUR' }, idempotencyKey: key('refund') }),
    );
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'chargeId' });
  });
});

describe('payout accounts and transfers', () => {
  it('creates an Express account with the transfers capability and an onboarding link', async () => {
    const idempotencyKey = key('profile:prf_13:payout-account');
    const state = await stripe.createPayoutAccount({ profileId: 'prf_13', country: 'fr', idempotencyKey, returnUrl: RETURN_URL });

    expect(state).toEqual({
      accountId: expect.stringMatching(/^acct_/),
      country: 'FR',
      payoutsEnabled: false,
      onboardingUrl: expect.stringContaining(`${server.url}/setup/e/${state.accountId}/`),
    });
    const [create] = server.requestsTo('POST', '/v1/accounts');
    expect(create.params).toEqual({
      type: 'express',
      country: 'FR',
      capabilities: { transfers: { requested: 'true' } },
      metadata: { profileId: 'prf_13' },
    });
    expect(create.idempotencyKey).toBe(`${idempotencyKey}:account`);
    const [link] = server.requestsTo('POST', '/v1/account_links');
    expect(link.params).toEqual({
      account: state.accountId,
      type: 'account_onboarding',
      refresh_url: RETURN_URL,
      return_url: RETURN_URL,
    });
    expect(link.idempotencyKey).toBe(`${idempotencyKey}:link`);
    expect(server.state.accounts.get(state.accountId)).toMatchObject({
      type: 'express',
      charges_enabled: false,
      payouts_enabled: false,
    });
  });

  it('creating the account again with the same key gives the same account', async () => {
    const input = { profileId: 'prf_14', country: 'US', idempotencyKey: key('payout-account'), returnUrl: RETURN_URL };
    const first = await stripe.createPayoutAccount(input);
    const second = await stripe.createPayoutAccount(input);
    expect(second).toEqual(first);
    expect(server.state.accounts.size).toBe(1);
  });

  it('reads the account: a fresh link while payouts are disabled, none once enabled', async () => {
    const { accountId } = await stripe.createPayoutAccount({
      profileId: 'prf_15',
      country: 'US',
      idempotencyKey: key('payout-account'),
      returnUrl: RETURN_URL,
    });

    const pending = await stripe.getPayoutAccount({ accountId, returnUrl: RETURN_URL });
    expect(pending).toMatchObject({
      accountId,
      country: 'US',
      payoutsEnabled: false,
      onboardingUrl: expect.stringContaining('/setup/e/'),
    });
    const [retrieve] = server.requestsTo('GET', `/v1/accounts/${accountId}`);
    expect(retrieve.status).toBe(200);
    expect(retrieve.idempotencyKey).toBeNull();

    server.enablePayouts(accountId);
    const linksBefore = server.requestsTo('POST', '/v1/account_links').length;
    const enabled = await stripe.getPayoutAccount({ accountId, returnUrl: RETURN_URL });
    expect(enabled).toEqual({ accountId, country: 'US', payoutsEnabled: true, onboardingUrl: null });
    expect(server.requestsTo('POST', '/v1/account_links')).toHaveLength(linksBefore);
  });

  it('opening the onboarding link completes onboarding and returns to the return URL', async () => {
    const { accountId, onboardingUrl } = await stripe.createPayoutAccount({
      profileId: 'prf_16',
      country: 'US',
      idempotencyKey: key('payout-account'),
      returnUrl: RETURN_URL,
    });
    const response = await fetch(onboardingUrl!, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(RETURN_URL);
    expect((await stripe.getPayoutAccount({ accountId, returnUrl: RETURN_URL })).payoutsEnabled).toBe(true);
  });

  it('an unknown account is invalid_request', async () => {
    const error = await rejection(stripe.getPayoutAccount({ accountId: 'acct_nope', returnUrl: RETURN_URL }));
    expect(error.kind).toBe('invalid_request');
  });

  it('transfers to an enabled account with the transfer group, exact amount, lower-case currency', async () => {
    const { accountId } = await stripe.createPayoutAccount({
      profileId: 'prf_17',
      country: 'US',
      idempotencyKey: key('payout-account'),
      returnUrl: RETURN_URL,
    });
    server.enablePayouts(accountId);
    const idempotencyKey = key('payout:pay_1:transfer');
    const { transferId } = await stripe.transfer({
      accountId,
      money: { amount: 95_000, currency: 'USD' },
      idempotencyKey,
      transferGroup: 'campaign:cmp_1',
      metadata: { payoutId: 'pay_1' },
    });

    expect(transferId).toMatch(/^tr_/);
    const [request] = server.requestsTo('POST', '/v1/transfers');
    expect(request.params).toEqual({
      amount: '95000',
      currency: 'usd',
      destination: accountId,
      transfer_group: 'campaign:cmp_1',
      metadata: { payoutId: 'pay_1' },
    });
    expect(request.idempotencyKey).toBe(idempotencyKey);
    expect(server.state.transfers.get(transferId)).toMatchObject({
      amount: 95_000,
      currency: 'usd',
      destination: accountId,
      transfer_group: 'campaign:cmp_1',
    });

    const again = await stripe.transfer({
      accountId,
      money: { amount: 95_000, currency: 'USD' },
      idempotencyKey,
      transferGroup: 'campaign:cmp_1',
      metadata: { payoutId: 'pay_1' },
    });
    expect(again.transferId).toBe(transferId);
    expect(server.state.transfers.size).toBe(1);
  });

  it('a transfer to an account not yet onboarded is refused on accountId', async () => {
    const { accountId } = await stripe.createPayoutAccount({
      profileId: 'prf_18',
      country: 'US',
      idempotencyKey: key('payout-account'),
      returnUrl: RETURN_URL,
    });
    const error = await rejection(
      stripe.transfer({ accountId, money: { amount: 100, currency: 'USD' }, idempotencyKey: key('payout') }),
    );
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'accountId' });
    expect(error.message).toMatch(/capabilities/);
    expect(server.state.transfers.size).toBe(0);
  });
});

describe('the local server’s form parser', () => {
  it('reads bracket notation into objects and arrays', () => {
    expect(
      parseStripeForm(
        'amount=100&metadata[profileId]=prf_1&metadata[a%20b]=c%26d&expand[0]=x&expand[1]=y&capabilities[transfers][requested]=true&tags[]=p&tags[]=q&note=a+b',
      ),
    ).toEqual({
      amount: '100',
      metadata: { profileId: 'prf_1', 'a b': 'c&d' },
      expand: ['x', 'y'],
      capabilities: { transfers: { requested: 'true' } },
      tags: ['p', 'q'],
      note: 'a b',
    });
    expect(parseStripeForm('')).toEqual({});
  });

  it('refuses prototype keys and conflicting shapes', () => {
    expect(() => parseStripeForm('__proto__[polluted]=1')).toThrow();
    expect(() => parseStripeForm('metadata[constructor]=1')).toThrow();
    expect(() => parseStripeForm('a=1&a[b]=2')).toThrow();
    expect(() => parseStripeForm('a[b]=2&a=1')).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the local server over plain HTTP', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });

  it('confirms a SetupIntent the way a client does, through /confirm', async () => {
    const { customerId } = await stripe.ensureCustomer({ profileId: 'prf_19', idempotencyKey: key('customer') });
    const { setupIntentId } = await stripe.createSetupIntent({ customerId, idempotencyKey: key('setup-intent') });

    const declined = await post(`/v1/setup_intents/${setupIntentId}/confirm`, 'payment_method=pm_card_chargeDeclinedExpiredCard');
    expect(declined.status).toBe(402);
    const { error } = (await declined.json()) as { error: Record<string, any> };
    expect(error).toMatchObject({
      type: 'card_error',
      code: 'expired_card',
      setup_intent: { id: setupIntentId, status: 'requires_payment_method' },
    });

    const confirmed = await post(`/v1/setup_intents/${setupIntentId}/confirm`, 'payment_method=pm_card_visa');
    expect(confirmed.status).toBe(200);
    const body = (await confirmed.json()) as { status: string; payment_method: string };
    expect(body.status).toBe('succeeded');
    expect(server.state.paymentMethods.get(body.payment_method)?.customer).toBe(customerId);
  });

  it('answers 401 without a secret key and 404 to an unknown endpoint, in Stripe’s error shape', async () => {
    const anonymous = await fetch(`${server.url}/v1/customers`, { method: 'POST', body: '' });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');

    const unknown = await post('/v1/charges', 'amount=100');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /Unrecognized request URL \(POST: \/v1\/charges\)/,
    );
  });

  it('marks replays with Idempotent-Replayed and refuses an invalid integer', async () => {
    const first = await post('/v1/customers', 'metadata[profileId]=prf_20', { 'Idempotency-Key': 'k-20' });
    const second = await post('/v1/customers', 'metadata[profileId]=prf_20', { 'Idempotency-Key': 'k-20' });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);

    const bad = await post('/v1/payment_intents', 'amount=12.5&currency=usd');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string; code: string } }).error).toMatchObject({
      param: 'amount',
      code: 'parameter_invalid_integer',
    });
  });
});
