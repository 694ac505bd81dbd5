import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  ConnectPayoutAccountDocument,
  ConnectPayoutAccountFullDocument,
  LedgerBalanceAccountsDocument,
  LedgerBalancesDocument,
  LedgerCheckCountsDocument,
  LedgerCheckDocument,
  MyPayoutAccountIdDocument,
  MyPayoutsAfterDocument,
  MyPayoutsCountDocument,
  MyPayoutsFirstPageDocument,
  MyPayoutsListedDocument,
  PayoutAccountNodeDocument,
  PayoutNodeDocument,
  ProfilePayoutAccountDocument,
  StartPaymentSetupDocument,
  StartPaymentSetupSecretDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { startPaymentsHarness, type PaymentsHarness } from './support/payments-harness';
import { finishedJobs } from './support/jobs';
import { eventually, expectLedgerSound, move, signUpWithRole } from './support/payments-fixtures';

describe('payments: sandbox provider, payment setup, payout accounts, payouts, ledger queries', () => {
  let app: TestApp;
  let harness: PaymentsHarness;

  beforeAll(async () => {
    app = await createTestApp();
    harness = await startPaymentsHarness(app);
  });
  afterAll(async () => {
    await harness?.close();
    await app?.close();
  });
  afterEach(() => expectLedgerSound(app));

  describe('startPaymentSetup', () => {
    it('gives a signed-in profile a SetupIntent secret from the sandbox, with one customer per profile', async () => {
      const backer = await signUp(app);
      const first = await app.gql(StartPaymentSetupDocument, {}, backer.token);
      expect(first.errors).toBeUndefined();
      expect(first.data!.startPaymentSetup).toEqual({ provider: 'sandbox', clientSecret: expect.stringMatching(/^seti_\w+_secret_\w+$/), publishableKey: null });
      const second = await app.gql(StartPaymentSetupSecretDocument, {}, backer.token);
      expect(second.data!.startPaymentSetup.clientSecret).not.toBe(first.data!.startPaymentSetup.clientSecret);
      const customers = await app.sql(`SELECT customer_id FROM payments.customers WHERE profile_id = $1`, [backer.id]);
      expect(customers).toHaveLength(1);
      expect(customers[0].customer_id).toMatch(/^cus_/);
    });

    it('refuses anonymous callers', async () => {
      expect(errorCode(await app.gql(StartPaymentSetupSecretDocument, {}))).toBe('UNAUTHENTICATED');
    });
  });

  describe('the sandbox provider through the facade (RUNTIME.md "Sandbox payments")', () => {
    let backer: SignedUpProfile;
    beforeAll(async () => {
      backer = await signUp(app);
    });
    const key = (label: string) => `${label}:${backer.id}:${Math.random().toString(36).slice(2)}`;
    const charge = (paymentMethodId: string, extra: Record<string, unknown> = {}) => ({
      profileId: backer.id,
      paymentMethodId,
      money: { amount: 2500, currency: 'EUR' },
      idempotencyKey: key('charge'),
      description: 'test charge',
      ...extra,
    });

    it.each([
      // id, saving, charging on-session, charging off-session (null = succeeds)
      ['pm_card_visa', null, null, null],
      ['pm_card_mastercard', null, null, null],
      ['pm_card_chargeCustomerFail', null, 'card_declined', 'card_declined'],
      ['pm_card_authenticationRequired', null, null, 'authentication_required'],
      ['pm_card_chargeDeclined', 'card_declined', 'card_declined', 'card_declined'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds', 'insufficient_funds', 'insufficient_funds'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'expired_card'],
    ])('%s: saving %p, charging now %p, charging saved %p', async (paymentMethodId, onSave, onSession, offSession) => {
      const saved = await harness.call('saveCard', { profileId: backer.id, paymentMethodId, idempotencyKey: key('save') });
      if (onSave) {
        expect(saved).toMatchObject({ ok: false, error: { code: 'PAYMENT_FAILED', extensions: { declineCode: onSave } } });
      } else {
        expect(saved).toEqual({ ok: true, result: { customerId: expect.stringMatching(/^cus_/), paymentMethodId } });
      }

      const now = await harness.call('chargeNow', charge(paymentMethodId));
      if (onSession) {
        expect(now).toMatchObject({ ok: false, error: { code: 'PAYMENT_FAILED', extensions: { declineCode: onSession } } });
      } else {
        expect(now).toEqual({ ok: true, result: { chargeId: expect.stringMatching(/^pi_/), customerId: expect.stringMatching(/^cus_/) } });
      }

      const customerId = (await app.sql(`SELECT customer_id FROM payments.customers WHERE profile_id = $1`, [backer.id]))[0].customer_id;
      const later = await harness.ok('chargeSavedCard', {
        card: { customerId, paymentMethodId },
        money: { amount: 1200, currency: 'EUR' },
        idempotencyKey: key('offsession'),
        description: 'deadline charge',
      });
      if (offSession) {
        expect(later).toMatchObject({
          status: 'failed',
          declineCode: offSession,
          requiresAction: offSession === 'authentication_required',
          chargeId: expect.stringMatching(/^pi_/),
        });
      } else {
        expect(later).toEqual({ status: 'succeeded', chargeId: expect.stringMatching(/^pi_/) });
      }
      const recorded = await app.sql(`SELECT status, decline_code FROM payments.charges WHERE id = $1`, [later.chargeId]);
      expect(recorded).toEqual([{ status: offSession ? 'failed' : 'succeeded', decline_code: offSession }]);
    });

    it('rejects any other payment method id as BAD_USER_INPUT on paymentMethodId', async () => {
      for (const op of ['saveCard', 'chargeNow']) {
        const error = await harness.fails(op, { ...charge('pm_card_unknown'), idempotencyKey: key(op) });
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(error.extensions!.fields).toEqual([{ path: 'paymentMethodId', message: expect.stringContaining('pm_card_unknown') }]);
      }
    });

    it.each([
      [{ amount: 0, currency: 'EUR' }, 'amount'],
      [{ amount: -5, currency: 'EUR' }, 'amount'],
      [{ amount: 12.5, currency: 'EUR' }, 'amount'],
      [{ amount: 100_000_000, currency: 'EUR' }, 'amount'],
      [{ amount: 500, currency: 'EURO' }, 'currency'],
      [{ amount: 500, currency: 'XYZ' }, 'currency'],
      [{ amount: 500, currency: 'XAU' }, 'currency'], // ISO-4217 (gold), but not a currency the provider charges in
    ])('rejects %p as BAD_USER_INPUT on %s, before any provider call', async (money, field) => {
      const error = await harness.fails('chargeNow', charge('pm_card_visa', { money }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions!.fields[0].path).toBe(field);
    });

    it('charges up to the per-charge limit, and zero-decimal currencies in their own units', async () => {
      expect((await harness.call('chargeNow', charge('pm_card_visa', { money: { amount: 99_999_999, currency: 'EUR' } }))).ok).toBe(true);
      const yen = await harness.ok('chargeNow', charge('pm_card_visa', { money: { amount: 1500, currency: 'jpy' } }));
      expect(await app.sql(`SELECT amount, currency FROM payments.charges WHERE id = $1`, [yen.chargeId])).toEqual([{ amount: '1500', currency: 'JPY' }]);
    });

    it("has Stripe's idempotency: same key and parameters, same charge; same key, other parameters, IDEMPOTENCY_KEY_REUSED", async () => {
      const request = charge('pm_card_visa');
      const first = await harness.ok('chargeNow', request);
      const again = await harness.ok('chargeNow', request);
      expect(again).toEqual(first);
      const other = await harness.fails('chargeNow', { ...request, money: { amount: 2600, currency: 'EUR' } });
      expect(other.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const rows = await app.sql(`SELECT count(*)::int AS n FROM payments.sandbox_requests WHERE idempotency_key = $1`, [request.idempotencyKey]);
      expect(rows[0].n).toBe(1);
      // A decline is a stored answer too: replaying it declines again without a new attempt.
      const declined = charge('pm_card_chargeDeclined');
      const firstDecline = await harness.fails('chargeNow', declined);
      expect(await harness.fails('chargeNow', declined)).toEqual(firstDecline);
    });

    it('remembers requests across processes, as Stripe does across our crashes', async () => {
      const request = charge('pm_card_visa');
      const first = await harness.ok('chargeNow', request);
      const other = await startPaymentsHarness(app);
      try {
        expect(await other.ok('chargeNow', request)).toEqual(first);
      } finally {
        await other.close();
      }
    });

    it('refunds a charge, once per key, never beyond what was charged', async () => {
      const { chargeId } = await harness.ok('chargeNow', charge('pm_card_visa'));
      const refundKey = key('refund');
      const refund = await harness.ok('refund', { chargeId, money: { amount: 1000, currency: 'EUR' }, idempotencyKey: refundKey });
      expect(refund.refundId).toMatch(/^re_/);
      expect(await harness.ok('refund', { chargeId, money: { amount: 1000, currency: 'EUR' }, idempotencyKey: refundKey })).toEqual(refund);
      const tooMuch = await harness.fails('refund', { chargeId, money: { amount: 1501, currency: 'EUR' }, idempotencyKey: key('refund') });
      expect(tooMuch.code).toBe('BAD_USER_INPUT');
      expect((await harness.call('refund', { chargeId, money: { amount: 1500, currency: 'EUR' }, idempotencyKey: key('refund') })).ok).toBe(true);
      const unknown = await harness.fails('refund', { chargeId: 'pi_nope', money: { amount: 1, currency: 'EUR' }, idempotencyKey: key('refund') });
      expect(unknown.code).toBe('BAD_USER_INPUT');
    });

    it('fault mode: a fault before the call leaves no trace; a lost response is recovered by replaying the key', async () => {
      const before = await startPaymentsHarness(app, { SANDBOX_FAULTS: 'transient:1,only:chargeOnSession' });
      const lost = await startPaymentsHarness(app, { SANDBOX_FAULTS: 'lost:1,only:chargeOffSession' });
      try {
        const request = charge('pm_card_visa');
        const failed = await before.fails('chargeNow', request);
        expect(failed).toMatchObject({ name: 'ProviderError', kind: 'transient' });
        expect(await app.sql(`SELECT 1 FROM payments.sandbox_requests WHERE idempotency_key = $1`, [request.idempotencyKey])).toEqual([]);

        const { customerId } = await harness.ok('saveCard', { profileId: backer.id, paymentMethodId: 'pm_card_visa', idempotencyKey: key('save') });
        const offSession = { card: { customerId, paymentMethodId: 'pm_card_visa' }, money: { amount: 700, currency: 'EUR' }, idempotencyKey: key('off'), description: 'x' };
        const timedOut = await lost.fails('chargeSavedCard', offSession);
        expect(timedOut).toMatchObject({ name: 'ProviderError', kind: 'transient' });
        const stored = await app.sql(`SELECT object_id FROM payments.sandbox_requests WHERE idempotency_key = $1`, [offSession.idempotencyKey]);
        expect(stored).toHaveLength(1); // it took effect
        const retried = await harness.ok('chargeSavedCard', offSession);
        expect(retried).toEqual({ status: 'succeeded', chargeId: stored[0].object_id });
      } finally {
        await before.close();
        await lost.close();
      }
    });
  });

  describe('connectPayoutAccount and Profile.payoutAccount', () => {
    it('refuses what is not an ISO-3166 alpha-2 country', async () => {
      const creator = await signUp(app);
      for (const country of ['XX', 'FRA', 'F', '', 'EU']) {
        const result = await app.gql(ConnectPayoutAccountDocument, { country }, creator.token);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(result.errors![0].extensions.fields).toEqual([{ path: 'country', message: expect.any(String) }]);
      }
    });

    it('creates an account enabled at once in the sandbox, the same one on a second call, and refuses another country', async () => {
      const creator = await signUp(app);
      const connect = (country: string) => app.gql(ConnectPayoutAccountFullDocument, { country }, creator.token);
      const first = await connect('fr');
      expect(first.errors).toBeUndefined();
      expect(first.data!.connectPayoutAccount).toEqual({ id: expect.stringMatching(/^pac_/), provider: 'sandbox', country: 'FR', payoutsEnabled: true, onboardingUrl: null });
      expect((await connect('FR')).data!.connectPayoutAccount.id).toBe(first.data!.connectPayoutAccount.id);
      expect(errorCode(await connect('DE'))).toBe('CONFLICT');
      expect(await harness.ok('payoutsEnabled', { profileId: creator.id })).toBe(true);
      expect(errorCode(await app.gql(ConnectPayoutAccountDocument, { country: 'FR' }))).toBe('UNAUTHENTICATED');
    });

    it("shows a profile's payout account to its owner and admins only", async () => {
      const owner = await signUp(app);
      const stranger = await signUp(app);
      const admin = await signUpAdmin(app);
      const { data } = await app.gql(ConnectPayoutAccountDocument, { country: 'US' }, owner.token);
      const accountId = data!.connectPayoutAccount.id;
      const query = ProfilePayoutAccountDocument;
      expect((await app.gql(query, { h: owner.handle }, owner.token)).data!.profile!.payoutAccount).toEqual({ id: accountId, country: 'US' });
      expect((await app.gql(query, { h: owner.handle }, admin.token)).data!.profile!.payoutAccount).toEqual({ id: accountId, country: 'US' });
      expect((await app.gql(query, { h: owner.handle }, stranger.token)).data!.profile!.payoutAccount).toBeNull();
      expect((await app.gql(query, { h: owner.handle })).data!.profile!.payoutAccount).toBeNull();
      expect((await app.gql(MyPayoutAccountIdDocument, {}, stranger.token)).data!.me!.payoutAccount).toBeNull();
      const node = PayoutAccountNodeDocument;
      expect((await app.gql(node, { id: accountId }, owner.token)).data!.node).toEqual({ id: accountId, country: 'US' });
      expect((await app.gql(node, { id: accountId }, stranger.token)).data!.node).toBeNull();
    });
  });

  describe('payouts', () => {
    async function fundAndPayout(recipient: SignedUpProfile, amount: number, sourceId = 'cmp_source', idempotencyKey = `payout:${Math.random()}`) {
      return harness.ok('createPayout', {
        before: [move('test.earned', sourceId, 'external:stripe', `profile:${recipient.id}:payable`, amount)],
        payout: { recipientProfileId: recipient.id, money: { amount, currency: 'EUR' }, sourceId, idempotencyKey },
      });
    }

    it('waits while the recipient has no payout account, and is paid once the account is enabled', async () => {
      const creator = await signUp(app);
      const { payoutId } = await fundAndPayout(creator, 9_500);
      expect(payoutId).toMatch(/^pay_/);
      const payable = `profile:${creator.id}:payable`;
      expect(await harness.ok('accountBalance', { account: payable, currency: 'EUR' })).toBe(0);
      expect(await harness.ok('accountBalance', { account: `payout:${payoutId}`, currency: 'EUR' })).toBe(9_500);
      // No transfer job is queued while there is no payout account, so the payout waits.
      expect(await finishedJobs(app, 'payments.payout-transfer', `payout:${payoutId}`)).toEqual([]);
      expect((await app.sql(`SELECT status FROM payments.payouts WHERE id = $1`, [payoutId]))[0].status).toBe('PENDING');

      await app.gql(ConnectPayoutAccountDocument, { country: 'FR' }, creator.token);
      const paid = await eventually(async () => (await app.sql(`SELECT status, transfer_id FROM payments.payouts WHERE id = $1 AND status = 'PAID'`, [payoutId]))[0]);
      expect(paid.transfer_id).toMatch(/^tr_/);
      expect(await harness.ok('accountBalance', { account: `payout:${payoutId}`, currency: 'EUR' })).toBe(0);
      const entries = await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [payoutId]);
      expect(entries.map((entry) => entry.kind)).toEqual(['payout.created', 'payout.paid']);
      const transfers = await app.sql(`SELECT object_id, amount FROM payments.sandbox_requests WHERE idempotency_key = $1`, [`payout:${payoutId}:transfer`]);
      expect(transfers).toEqual([{ object_id: paid.transfer_id, amount: '9500' }]);

      const listed = await app.gql(MyPayoutsListedDocument, {}, creator.token);
      expect(listed.data!.myPayouts.totalCount).toBe(1);
      expect(listed.data!.myPayouts.edges[0].node).toEqual({
        id: payoutId,
        status: 'PAID',
        sourceId: 'cmp_source',
        createdAt: expect.any(String),
        amount: { amount: 9_500, currency: 'EUR', formatted: '€95.00' },
        recipient: { id: creator.id, handle: creator.handle },
      });
    });

    it('is the same payout for the same idempotency key, and IDEMPOTENCY_KEY_REUSED for another payout under it', async () => {
      const creator = await signUp(app);
      await app.gql(ConnectPayoutAccountDocument, { country: 'FR' }, creator.token);
      const idempotencyKey = `campaign:x:payout:${creator.id}`;
      const first = await fundAndPayout(creator, 1_000, 'cmp_same', idempotencyKey);
      const again = await harness.ok('createPayout', {
        payout: { recipientProfileId: creator.id, money: { amount: 1_000, currency: 'EUR' }, sourceId: 'cmp_same', idempotencyKey },
      });
      expect(again).toEqual(first);
      const other = await harness.fails('createPayout', {
        payout: { recipientProfileId: creator.id, money: { amount: 999, currency: 'EUR' }, sourceId: 'cmp_same', idempotencyKey },
      });
      expect(other.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await app.sql(`SELECT id FROM payments.payouts WHERE idempotency_key = $1`, [idempotencyKey])).toHaveLength(1);
      await eventually(async () => (await app.sql(`SELECT 1 FROM payments.payouts WHERE id = $1 AND status = 'PAID'`, [first.payoutId]))[0]);
    });

    it('never pays out more than the payable holds (the whole transaction rolls back)', async () => {
      const creator = await signUp(app);
      const error = await harness.fails('createPayout', {
        payout: { recipientProfileId: creator.id, money: { amount: 100, currency: 'EUR' }, sourceId: 'cmp_none', idempotencyKey: `k:${creator.id}` },
      });
      expect(error).toMatchObject({ name: 'LedgerError', violation: 'negative_balance' });
      expect(await app.sql(`SELECT 1 FROM payments.payouts WHERE recipient_profile_id = $1`, [creator.id])).toEqual([]);
      const bad = await harness.fails('createPayout', {
        payout: { recipientProfileId: creator.id, money: { amount: 0, currency: 'EUR' }, sourceId: 'cmp_none', idempotencyKey: `k2:${creator.id}` },
      });
      expect(bad.code).toBe('BAD_USER_INPUT');
    });

    it('lists only the viewer\'s payouts, newest first, in pages; node() shows a payout to its recipient and admins only', async () => {
      const creator = await signUp(app);
      const stranger = await signUp(app);
      const admin = await signUpAdmin(app);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await fundAndPayout(creator, 100 + i, `cmp_page${i}`)).payoutId);
      const page1 = await app.gql(MyPayoutsFirstPageDocument, {}, creator.token);
      expect(page1.data!.myPayouts.totalCount).toBe(3);
      expect(page1.data!.myPayouts.edges.map((edge: any) => edge.node.id)).toEqual([ids[2], ids[1]]);
      expect(page1.data!.myPayouts.pageInfo.hasNextPage).toBe(true);
      const page2 = await app.gql(
        MyPayoutsAfterDocument,
        { after: page1.data!.myPayouts.pageInfo.endCursor },
        creator.token,
      );
      expect(page2.data!.myPayouts.edges.map((edge: any) => edge.node.id)).toEqual([ids[0]]);
      expect((await app.gql(MyPayoutsCountDocument, {}, stranger.token)).data!.myPayouts.totalCount).toBe(0);
      expect(errorCode(await app.gql(MyPayoutsCountDocument, {}))).toBe('UNAUTHENTICATED');
      const node = PayoutNodeDocument;
      expect((await app.gql(node, { id: ids[0] }, creator.token)).data!.node).toEqual({ id: ids[0], amount: { amount: 100 } });
      expect((await app.gql(node, { id: ids[0] }, admin.token)).data!.node).toEqual({ id: ids[0], amount: { amount: 100 } });
      expect((await app.gql(node, { id: ids[0] }, stranger.token)).data!.node).toBeNull();
    });
  });

  describe('ledgerCheck and ledgerBalances', () => {
    it('answer admins and analysts, and refuse members with FORBIDDEN and anonymous callers with UNAUTHENTICATED', async () => {
      const member = await signUp(app);
      const analyst = await signUpWithRole(app, 'ANALYST');
      const admin = await signUpWithRole(app, 'ADMIN');
      await harness.ok('postJournalEntry', { entry: move('pledge.collected', 'pld_ledgerq', 'external:stripe', 'campaign:cmp_ledgerq:escrow', 4_200) });
      for (const viewer of [analyst, admin]) {
        const check = await app.gql(LedgerCheckCountsDocument, {}, viewer.token);
        expect(check.errors).toBeUndefined();
        expect(check.data!.ledgerCheck.balanced).toBe(true);
        const [{ entries, postings }] = await app.sql(
          `SELECT (SELECT count(*)::int FROM payments.journal_entries) AS entries, (SELECT count(*)::int FROM payments.postings) AS postings`,
        );
        expect(check.data!.ledgerCheck).toMatchObject({ journalEntries: entries, postings });
        const balances = await app.gql(LedgerBalancesDocument, { currency: 'eur' }, viewer.token);
        expect(balances.errors).toBeUndefined();
        expect(balances.data!.ledgerBalances).toContainEqual({
          account: 'campaign:cmp_ledgerq:escrow',
          balance: { amount: 4_200, currency: 'EUR', formatted: '€42.00' },
        });
        const accounts = balances.data!.ledgerBalances.map((row: any) => row.account);
        expect(accounts).toEqual([...accounts].sort());
      }
      expect(errorCode(await app.gql(LedgerCheckDocument, {}, member.token))).toBe('FORBIDDEN');
      expect(errorCode(await app.gql(LedgerCheckDocument, {}))).toBe('UNAUTHENTICATED');
      expect(errorCode(await app.gql(LedgerBalanceAccountsDocument, { currency: 'EUR' }, member.token))).toBe('FORBIDDEN');
      expect(errorCode(await app.gql(LedgerBalanceAccountsDocument, { currency: 'EUR' }))).toBe('UNAUTHENTICATED');
      const bad = await app.gql(LedgerBalanceAccountsDocument, { currency: 'EURO' }, admin.token);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0].extensions.fields![0].path).toBe('currency');
    });
  });

  describe('POST /webhooks/stripe without STRIPE_WEBHOOK_SECRET', () => {
    it('answers 404, saying webhooks are not enabled without naming the configuration', async () => {
      const response = await fetch(`${app.baseUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
        body: JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded' }),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ errors: [{ message: 'Stripe webhooks are not enabled on this server', extensions: { code: 'NOT_FOUND' } }] });
    });
  });

  describe('configuration of the test-only fault switches', () => {
    const main = path.resolve(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');
    const boot = (env: Record<string, string>) =>
      spawnSync(process.execPath, [main], { env: { ...process.env, SEED_DEMO: 'false', DATABASE_URL: app.databaseUrl, PORT: '0', ...env }, encoding: 'utf8', timeout: 20_000 });

    it.each([
      [{ SANDBOX_FAULTS: 'transient:2' }, /SANDBOX_FAULTS="transient:2" is not valid/],
      [{ SANDBOX_FAULTS: 'sometimes' }, /SANDBOX_FAULTS="sometimes" is not valid/],
      [{ SANDBOX_FAULTS: 'transient:0.6,lost:0.6' }, /SANDBOX_FAULTS=.* is not valid/],
      [{ SANDBOX_FAULTS: 'transient:0.1', NODE_ENV: 'production', JWT_SECRET: 'x' }, /SANDBOX_FAULTS is for tests and development only/],
      [{ FOULE_FAULT: 'crash-after-provider:payout.transfer', NODE_ENV: 'development' }, /FOULE_FAULT is honoured only when NODE_ENV=test/],
      [{ FOULE_FAULT: 'explode', NODE_ENV: 'test' }, /FOULE_FAULT="explode" is not valid/],
      [{ STRIPE_API_URL: 'not a url' }, /STRIPE_API_URL="not a url" is not valid/],
    ])('%p stops the boot with a message naming the variable', (env, message) => {
      const result = boot(env);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
    });
  });
});
