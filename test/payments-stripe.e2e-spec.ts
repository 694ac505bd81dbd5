import Stripe from 'stripe';
import { startLocalStripeServer, stripeEventSample, type LocalStripeServer } from '@foule/payments/testing';
import { ConnectPayoutAccountDocument, ConnectPayoutAccountStateDocument, MyPayoutAccountDocument, StartPaymentSetupDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp } from './support/fixtures';
import { startPaymentsHarness, type PaymentsHarness } from './support/payments-harness';
import { finishedJobs } from './support/jobs';
import { eventually, expectLedgerSound, move } from './support/payments-fixtures';

const WEBHOOK_SECRET = 'whsec_test_stripe_e2e';

/**
 * The whole app on the Stripe adapter (STRIPE_SECRET_KEY set), its SDK pointed by
 * STRIPE_API_URL at the local Stripe server this test runs: setup, charges, Connect
 * onboarding reported by a signed account.updated webhook, and the payout transfer.
 */
describe('payments on the Stripe provider, against a local Stripe server', () => {
  let stripe: LocalStripeServer;
  let app: TestApp;
  let harness: PaymentsHarness;

  beforeAll(async () => {
    stripe = await startLocalStripeServer();
    app = await createTestApp({
      STRIPE_SECRET_KEY: 'sk_test_foule_e2e',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_foule_e2e',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
    });
    harness = await startPaymentsHarness(app);
  });
  afterAll(async () => {
    await harness?.close();
    await app?.close();
    await stripe?.close();
  });
  afterEach(() => expectLedgerSound(app));

  /** Delivers `object` (as the local Stripe server returned it) in Stripe's sample event, signed. */
  async function webhook(type: string, object: object) {
    const payload = JSON.stringify(stripeEventSample(type, object));
    const response = await fetch(`${app.baseUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
      body: payload,
    });
    return response.status;
  }

  it('startPaymentSetup answers a Stripe SetupIntent secret and the publishable key', async () => {
    const backer = await signUp(app);
    const result = await app.gql(StartPaymentSetupDocument, {}, backer.token);
    expect(result.data!.startPaymentSetup).toEqual({ provider: 'stripe', clientSecret: expect.stringMatching(/^seti_\w+_secret_\w+$/), publishableKey: 'pk_test_foule_e2e' });
    expect(stripe.requestsTo('POST', '/v1/customers')).toHaveLength(1);
    expect(await harness.ok('providerName')).toBe('stripe');
  });

  it('saves a card, charges it off-session, and maps declines and unknown cards', async () => {
    const backer = await signUp(app);
    const saved = await harness.ok('saveCard', { profileId: backer.id, paymentMethodId: 'pm_card_visa', idempotencyKey: `pledge:${backer.id}:setup` });
    expect(saved).toEqual({ customerId: expect.stringMatching(/^cus_/), paymentMethodId: expect.stringMatching(/^pm_/) });
    const charge = await harness.ok('chargeSavedCard', { card: saved, money: { amount: 4_500, currency: 'EUR' }, idempotencyKey: `pledge:${backer.id}:charge:1`, description: 'pledge' });
    expect(charge).toEqual({ status: 'succeeded', chargeId: expect.stringMatching(/^pi_/) });
    expect(await app.sql(`SELECT status, amount FROM payments.charges WHERE id = $1`, [charge.chargeId])).toEqual([{ status: 'succeeded', amount: '4500' }]);

    const declined = await harness.fails('saveCard', { profileId: backer.id, paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds', idempotencyKey: `k:${backer.id}:2` });
    expect(declined).toMatchObject({ code: 'PAYMENT_FAILED', extensions: { declineCode: 'insufficient_funds' } });
    const unknown = await harness.fails('chargeNow', {
      profileId: backer.id,
      paymentMethodId: 'pm_nope',
      money: { amount: 100, currency: 'EUR' },
      idempotencyKey: `k:${backer.id}:3`,
      description: 'x',
    });
    expect(unknown.code).toBe('BAD_USER_INPUT');
    expect(unknown.extensions!.fields[0].path).toBe('paymentMethodId');
  });

  it('a payout waits for Connect onboarding, and account.updated releases it to one transfer', async () => {
    const creator = await signUp(app);
    const connected = await app.gql(ConnectPayoutAccountStateDocument, { country: 'FR' }, creator.token);
    expect(connected.data!.connectPayoutAccount).toEqual({ provider: 'stripe', country: 'FR', payoutsEnabled: false, onboardingUrl: expect.stringMatching(/^https?:\/\//) });
    const [{ provider_account_id: accountId }] = await app.sql(`SELECT provider_account_id FROM payments.payout_accounts WHERE profile_id = $1`, [creator.id]);
    const { payoutId } = await harness.ok('createPayout', {
      before: [move('test.earned', 'cmp_stripe', 'external:stripe', `profile:${creator.id}:payable`, 8_000)],
      payout: { recipientProfileId: creator.id, money: { amount: 8_000, currency: 'EUR' }, sourceId: 'cmp_stripe', idempotencyKey: `payout:${creator.id}` },
    });
    // No transfer job is queued while the account cannot receive payouts, so no transfer is made.
    expect(await finishedJobs(app, 'payments.payout-transfer', `payout:${payoutId}`)).toEqual([]);
    expect(stripe.requestsTo('POST', '/v1/transfers')).toHaveLength(0);

    const account = stripe.enablePayouts(accountId);
    expect(await webhook('account.updated', account)).toBe(200);
    const paid = await eventually(async () => (await app.sql(`SELECT transfer_id FROM payments.payouts WHERE id = $1 AND status = 'PAID'`, [payoutId]))[0]);
    const transfers = [...stripe.state.transfers.values()];
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ id: paid.transfer_id, amount: 8_000, currency: 'eur', destination: accountId, metadata: { payoutId } });
    expect(stripe.requestsTo('POST', '/v1/transfers')[0].idempotencyKey).toBe(`payout:${payoutId}:transfer`);

    // Stripe then reports the transfer it made: already recorded, nothing more happens.
    expect(await webhook('transfer.created', transfers[0])).toBe(200);
    const kinds = await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [payoutId]);
    expect(kinds.map((row) => row.kind)).toEqual(['payout.created', 'payout.paid']);
    const me = await app.gql(MyPayoutAccountDocument, {}, creator.token);
    expect(me.data!.me!.payoutAccount).toEqual({ payoutsEnabled: true, onboardingUrl: null });
    expect(errorCode(await app.gql(ConnectPayoutAccountDocument, { country: 'DE' }, creator.token))).toBe('CONFLICT');
  });
});
