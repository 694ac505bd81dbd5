/**
 * The local Stripe server answers with objects shaped like Stripe's: every object it returns has
 * at least the keys of Stripe's own sample of that resource (stripe-samples.ts), so
 * code tested against it does not meet a missing field for the first time in production.
 */
import { startLocalStripeServer, type LocalStripeServer } from './local-stripe-server';
import { stripeSample, type StripeResource } from './stripe-samples';

let server: LocalStripeServer;
beforeAll(async () => {
  server = await startLocalStripeServer();
});
afterAll(() => server.close());

async function call(
  method: 'GET' | 'POST',
  path: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new URLSearchParams(params).toString();
  const response = await fetch(`${server.url}${path}${method === 'GET' && form ? `?${form}` : ''}`, {
    method,
    headers: { authorization: 'Bearer sk_test_samples', 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: form } : {}),
  });
  return { status: response.status, body: await response.json() };
}

/** The keys of Stripe's sample of `resource` that `object` lacks. */
function missingKeys(resource: StripeResource, object: object): string[] {
  return Object.keys(stripeSample(resource)).filter((key) => !(key in object));
}

describe("local Stripe server: objects have the keys of Stripe's samples", () => {
  it('answers every endpoint with complete objects, errors included', async () => {
    const answers: Array<[StripeResource, any]> = [];
    const ok = async (resource: StripeResource, method: 'GET' | 'POST', path: string, params?: Record<string, string>) => {
      const { status, body } = await call(method, path, params);
      expect({ path, status }).toEqual({ path, status: 200 });
      answers.push([resource, body]);
      return body;
    };

    const customer = await ok('customer', 'POST', '/v1/customers', { email: 'backer@example.com' });
    const paymentMethod = await ok('payment_method', 'POST', '/v1/payment_methods/pm_card_visa/attach', {
      customer: customer.id,
    });
    await ok('setup_intent', 'POST', '/v1/setup_intents', {
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: 'true',
    });
    const paymentIntent = await ok('payment_intent', 'POST', '/v1/payment_intents', {
      amount: '2500',
      currency: 'eur',
      customer: customer.id,
      payment_method: paymentMethod.id,
      confirm: 'true',
      off_session: 'true',
    });
    await ok('charge', 'GET', `/v1/charges/${paymentIntent.latest_charge}`);
    await ok('refund', 'POST', '/v1/refunds', { payment_intent: paymentIntent.id, amount: '500' });
    const account = await ok('account', 'POST', '/v1/accounts', {
      type: 'express',
      country: 'FR',
      'capabilities[transfers][requested]': 'true',
    });
    await ok('account_link', 'POST', '/v1/account_links', {
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'https://foule.example/refresh',
      return_url: 'https://foule.example/return',
    });
    server.enablePayouts(account.id);
    await ok('account', 'GET', `/v1/accounts/${account.id}`);
    await ok('transfer', 'POST', '/v1/transfers', { amount: '2000', currency: 'eur', destination: account.id });

    const declined = await call('POST', '/v1/payment_intents', {
      amount: '2500',
      currency: 'eur',
      payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
      confirm: 'true',
    });
    expect(declined.status).toBe(402);
    answers.push(['payment_intent', declined.body.error.payment_intent], ['payment_method', declined.body.error.payment_method]);
    const savedDeclined = await call('POST', '/v1/setup_intents', { payment_method: 'pm_card_chargeDeclined', confirm: 'true' });
    expect(savedDeclined.status).toBe(402);
    answers.push(['setup_intent', savedDeclined.body.error.setup_intent]);

    const incomplete = answers.map(([resource, body]) => ({
      resource,
      object: body?.object,
      missing: missingKeys(resource, body ?? {}),
    }));
    expect(incomplete).toEqual(answers.map(([resource]) => ({ resource, object: resource, missing: [] })));
  });
});
