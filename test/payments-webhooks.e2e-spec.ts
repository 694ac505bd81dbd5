import Stripe from 'stripe';
import { stripeEventSample as stripeEvent, stripeSample } from '@foule/payments/testing';
import { ConnectPayoutAccountDocument, MyPayoutAccountDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { startPaymentsHarness, type PaymentsHarness } from './support/payments-harness';
import { finishedJobs } from './support/jobs';
import { eventually, expectLedgerSound, move } from './support/payments-fixtures';

const SECRET = 'whsec_test_foule_payments';

describe('payments: Stripe webhooks (POST /webhooks/stripe)', () => {
  let app: TestApp;
  let harness: PaymentsHarness;

  beforeAll(async () => {
    app = await createTestApp({ STRIPE_WEBHOOK_SECRET: SECRET });
    harness = await startPaymentsHarness(app);
  });
  afterAll(async () => {
    await harness?.close();
    await app?.close();
  });
  afterEach(() => expectLedgerSound(app));

  async function post(
    event: object,
    options: { secret?: string; timestamp?: number; signature?: string | null; body?: string } = {},
  ): Promise<{ status: number; body: any }> {
    const payload = options.body ?? JSON.stringify(event);
    const signature =
      options.signature === undefined
        ? Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp })
        : options.signature;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (signature !== null) headers['stripe-signature'] = signature;
    const response = await fetch(`${app.baseUrl}/webhooks/stripe`, { method: 'POST', headers, body: payload });
    return { status: response.status, body: await response.json() };
  }

  const charge = (id: string) => app.sql(`SELECT status, decline_code, amount, currency, amount_refunded FROM payments.charges WHERE id = $1`, [id]);

  describe('verification', () => {
    it('accepts a correctly signed event once and records it in the inbox', async () => {
      const event = stripeEvent('payment_intent.succeeded', stripeSample('payment_intent', { id: 'pi_webhook_1', amount: 2500, amount_received: 2500, currency: 'eur', customer: 'cus_1' }));
      expect(await post(event)).toEqual({ status: 200, body: { received: true, duplicate: false } });
      expect(await charge('pi_webhook_1')).toEqual([{ status: 'succeeded', decline_code: null, amount: '2500', currency: 'EUR', amount_refunded: '0' }]);
      expect(await app.sql(`SELECT type FROM payments.webhook_events WHERE id = $1`, [event.id])).toEqual([{ type: 'payment_intent.succeeded' }]);
    });

    it('answers 400 to a wrong secret, a tampered body and a missing signature, and records nothing', async () => {
      const event = stripeEvent('payment_intent.succeeded', stripeSample('payment_intent', { id: 'pi_forged', amount: 100, currency: 'eur' }));
      const wrongSecret = await post(event, { secret: 'whsec_someone_else' });
      expect(wrongSecret.status).toBe(400);
      expect(wrongSecret.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'stripe-signature', message: expect.any(String) }] });
      const signature = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: SECRET });
      const tampered = await post(event, { signature, body: JSON.stringify({ ...event, data: { object: { ...event.data.object, amount: 999999 } } }) });
      expect(tampered.status).toBe(400);
      expect((await post(event, { signature: null })).status).toBe(400);
      expect((await post(event, { signature: 'garbage' })).status).toBe(400);
      expect(await charge('pi_forged')).toEqual([]);
      expect(await app.sql(`SELECT 1 FROM payments.webhook_events WHERE id = $1`, [event.id])).toEqual([]);
    });

    it('answers 400 to a stale timestamp (a replayed capture), even with a valid signature', async () => {
      const event = stripeEvent('payment_intent.succeeded', stripeSample('payment_intent', { id: 'pi_stale', amount: 100, currency: 'eur' }));
      const stale = await post(event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
      expect(stale.status).toBe(400);
      expect(stale.body.errors[0].extensions.fields[0].message).toMatch(/tolerance/i);
      expect(await charge('pi_stale')).toEqual([]);
    });

    it('has no second effect when an event is delivered again', async () => {
      const event = stripeEvent('charge.refunded', stripeSample('charge', { id: 'ch_replay', payment_intent: 'pi_replay', amount: 3000, amount_refunded: 1000, currency: 'eur' }));
      expect((await post(event)).body).toEqual({ received: true, duplicate: false });
      await app.sql(`UPDATE payments.charges SET amount_refunded = 0 WHERE id = 'pi_replay'`); // would be set again by a second effect
      const replays = await Promise.all([post(event), post(event), post(event)]);
      expect(replays.map((reply) => reply.body)).toEqual(Array(3).fill({ received: true, duplicate: true }));
      expect((await charge('pi_replay'))[0].amount_refunded).toBe('0');
    });
  });

  describe('charges, in any order', () => {
    it('ends in the same state whatever order succeeded, refunded and a late failure arrive in', async () => {
      const orders = [
        ['succeeded', 'refunded', 'failed'],
        ['refunded', 'succeeded', 'failed'],
        ['failed', 'refunded', 'succeeded'],
        ['refunded', 'failed', 'succeeded'],
      ];
      for (const [index, order] of orders.entries()) {
        const pi = `pi_order_${index}`;
        const events = {
          succeeded: stripeEvent('payment_intent.succeeded', stripeSample('payment_intent', { id: pi, amount: 5000, amount_received: 5000, currency: 'usd', customer: 'cus_o' })),
          failed: stripeEvent('payment_intent.payment_failed', stripeSample('payment_intent', {
            id: pi,
            amount: 5000,
            currency: 'usd',
            customer: 'cus_o',
            last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' },
          })),
          refunded: stripeEvent('charge.refunded', stripeSample('charge', { id: `ch_order_${index}`, payment_intent: pi, amount: 5000, amount_refunded: 1500, currency: 'usd', customer: 'cus_o' })),
        };
        for (const name of order) expect((await post(events[name as keyof typeof events])).status).toBe(200);
        expect(await charge(pi)).toEqual([{ status: 'succeeded', decline_code: null, amount: '5000', currency: 'USD', amount_refunded: '1500' }]);
      }
    });

    it('records a failure with its decline code', async () => {
      const event = stripeEvent('payment_intent.payment_failed', stripeSample('payment_intent', {
        id: 'pi_failed',
        amount: 800,
        currency: 'eur',
        last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'expired_card' },
      }));
      await post(event);
      expect(await charge('pi_failed')).toEqual([{ status: 'failed', decline_code: 'expired_card', amount: '800', currency: 'EUR', amount_refunded: '0' }]);
    });

    it('answers 200 to events it does not act on, and records them once', async () => {
      const event = stripeEvent('customer.created', stripeSample('customer', { id: 'cus_new' }));
      expect(await post(event)).toEqual({ status: 200, body: { received: true, duplicate: false } });
      expect(await post(event)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    });
  });

  describe('payout accounts and transfers', () => {
    /** A creator whose Connect account is still onboarding (payouts disabled), owed `amount`, with a pending payout of it. */
    async function pendingPayout(amount: number): Promise<{ creator: SignedUpProfile; accountId: string; payoutId: string }> {
      const creator = await signUp(app);
      await app.gql(ConnectPayoutAccountDocument, { country: 'FR' }, creator.token);
      // The sandbox enables accounts at once; at Stripe they start disabled until onboarding is done.
      await app.sql(`UPDATE payments.payout_accounts SET payouts_enabled = false, onboarding_url = 'https://connect.example/onboard' WHERE profile_id = $1`, [creator.id]);
      const [{ provider_account_id: accountId }] = await app.sql(`SELECT provider_account_id FROM payments.payout_accounts WHERE profile_id = $1`, [creator.id]);
      const { payoutId } = await harness.ok('createPayout', {
        before: [move('test.earned', 'cmp_w', 'external:stripe', `profile:${creator.id}:payable`, amount)],
        payout: { recipientProfileId: creator.id, money: { amount, currency: 'EUR' }, sourceId: 'cmp_w', idempotencyKey: `payout:${creator.id}` },
      });
      return { creator, accountId, payoutId };
    }
    const status = async (payoutId: string) => (await app.sql(`SELECT status, transfer_id FROM payments.payouts WHERE id = $1`, [payoutId]))[0];
    const kinds = async (payoutId: string) =>
      (await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [payoutId])).map((row) => row.kind);

    it('account.updated enabling payouts releases the waiting payout; an older account.updated arriving late changes nothing', async () => {
      const { creator, accountId, payoutId } = await pendingPayout(4_000);
      const account = await app.gql(MyPayoutAccountDocument, {}, creator.token);
      expect(account.data!.me!.payoutAccount).toEqual({ payoutsEnabled: false, onboardingUrl: 'https://connect.example/onboard' });
      expect(await finishedJobs(app, 'payments.payout-transfer', `payout:${payoutId}`)).toEqual([]);
      expect((await status(payoutId)).status).toBe('PENDING');

      const now = Math.floor(Date.now() / 1000);
      expect((await post(stripeEvent('account.updated', stripeSample('account', { id: accountId, payouts_enabled: true, charges_enabled: true }), now))).status).toBe(200);
      const paid = await eventually(async () => ((await status(payoutId)).status === 'PAID' ? status(payoutId) : null));
      expect(paid.transfer_id).toMatch(/^tr_/);
      expect(await kinds(payoutId)).toEqual(['payout.created', 'payout.paid']);

      const older = stripeEvent('account.updated', stripeSample('account', { id: accountId, payouts_enabled: false }), now - 60);
      expect((await post(older)).status).toBe(200);
      expect(await harness.ok('payoutsEnabled', { profileId: creator.id })).toBe(true);
      const after = await app.gql(MyPayoutAccountDocument, {}, creator.token);
      expect(after.data!.me!.payoutAccount).toEqual({ payoutsEnabled: true, onboardingUrl: null });
    });

    it('transfer.created records a transfer we have not recorded yet, once; a replay or a second event does nothing', async () => {
      const { payoutId } = await pendingPayout(2_500);
      const transfer = stripeSample('transfer', { id: 'tr_from_webhook', amount: 2500, currency: 'eur', amount_reversed: 0, reversed: false, metadata: { payoutId } });
      const created = stripeEvent('transfer.created', transfer);
      expect((await post(created)).body.duplicate).toBe(false);
      expect(await status(payoutId)).toEqual({ status: 'PAID', transfer_id: 'tr_from_webhook' });
      expect((await post(created)).body.duplicate).toBe(true);
      expect((await post(stripeEvent('transfer.updated', transfer))).status).toBe(200);
      expect(await kinds(payoutId)).toEqual(['payout.created', 'payout.paid']);
      expect(await harness.ok('accountBalance', { account: `payout:${payoutId}`, currency: 'EUR' })).toBe(0);
    });

    it('transfer.reversed fails the payout and owes the money to the recipient again, even when it arrives before transfer.created', async () => {
      const { creator, payoutId } = await pendingPayout(1_800);
      const transfer = stripeSample('transfer', { id: 'tr_reversed', amount: 1800, currency: 'eur', metadata: { payoutId } });
      const reversed = stripeEvent('transfer.reversed', { ...transfer, amount_reversed: 1800, reversed: true });
      expect((await post(reversed)).status).toBe(200);
      expect((await post(stripeEvent('transfer.created', { ...transfer, amount_reversed: 0, reversed: false }))).status).toBe(200);
      expect((await status(payoutId)).status).toBe('FAILED');
      expect(await kinds(payoutId)).toEqual(['payout.created', 'payout.paid', 'payout.reversed']);
      expect(await harness.ok('accountBalance', { account: `profile:${creator.id}:payable`, currency: 'EUR' })).toBe(1_800);
    });

    it('leaves alone a transfer whose money does not match the payout, and transfers that are not payouts', async () => {
      const { payoutId } = await pendingPayout(700);
      await post(stripeEvent('transfer.created', stripeSample('transfer', { id: 'tr_wrong', amount: 701, currency: 'eur', metadata: { payoutId } })));
      await post(stripeEvent('transfer.created', stripeSample('transfer', { id: 'tr_other', amount: 701, currency: 'eur', metadata: {} })));
      expect((await status(payoutId)).status).toBe('PENDING');
    });
  });
});
