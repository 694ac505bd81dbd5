import { randomUUID } from 'node:crypto';
import {
  AddLateTierDocument,
  CancelCampaignDocument,
  RefundPledgeStatusDocument,
  ChangePotCardDocument,
  CreatePotCampaignDocument,
  LaunchCampaignDocument,
  PotCampaignDocument,
  PotPledgeDocument,
  PotPledgeNodeDocument,
  RetryPotPaymentDocument,
  type PotPledgeFieldsFragment,
} from './documents/graphql';
import { waitForNotification } from './support/community-fixtures';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, escrowBalance, liveCampaign, ok, secondsFromNow, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

/** Three payments, three seconds apart; a failed one may be fixed for four seconds. */
const INTERVAL_SECONDS = 3;
const POT_ENV = {
  ...FUNDING_TEST_ENV,
  PLEDGE_OVER_TIME_INCREMENTS: '3',
  PLEDGE_OVER_TIME_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
  PAYMENT_RETRY_WINDOW_SECONDS: '4',
};

const fieldsOf = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) =>
  (result.errors?.[0]?.extensions.fields ?? []).map((field) => field.path);

/**
 * Pledge over time (issue 11, part 1): the amount in PLEDGE_OVER_TIME_INCREMENTS equal
 * payments, leftover minor units in the first; each payment its own charge (key
 * pledge:<id>:increment:<n>:charge:<attempt>), journal entry and payout; a failed later payment
 * fixed with retryPledgePayment, or the pledge dropped keeping what it collected; a crash
 * between the provider's charge and our record charges nobody twice.
 */
describe('funding: pledge over time', () => {
  let app: TestApp;
  let creator: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp(POT_ENV);
    creator = await signUpCreator(app);
  }, 60_000);
  afterAll(() => app?.close());

  async function potCampaign(options: { fundingModel: 'ALL_OR_NOTHING' | 'FLEXIBLE'; deadlineSeconds: number; minimum?: number; tierLimit?: number }) {
    const campaign = ok(
      await app.gql(
        CreatePotCampaignDocument,
        {
          input: {
            title: `Lamp ${randomUUID().slice(0, 6)}`,
            blurb: 'A lamp paid in three',
            description: 'Long story',
            category: 'Design',
            fundingModel: options.fundingModel,
            goal: { amount: 1_000, currency: 'EUR' },
            deadline: secondsFromNow(options.deadlineSeconds),
            pledgeOverTime: true,
            pledgeOverTimeMinimum: options.minimum ?? null,
          },
        },
        creator.token,
      ),
      'createCampaign',
    );
    const tier = ok(
      await app.gql(AddLateTierDocument, { campaignId: campaign.id, input: { title: 'Lamp', description: 'One lamp', minimum: 3_000, limit: options.tierLimit ?? null } }, creator.token),
      'addRewardTier',
    );
    ok(await app.gql(LaunchCampaignDocument, { id: campaign.id }, creator.token), 'launchCampaign');
    return { ...campaign, tier };
  }

  const pledgeOverTime = (backer: SignedUpProfile, campaignId: string, amount: number, tierId: string | null = null, paymentMethodId = 'pm_card_visa') =>
    app.gql(
      PotPledgeDocument,
      { input: { campaignId, tierId, amount, paymentMethodId, idempotencyKey: randomUUID(), paymentPlan: 'PLEDGE_OVER_TIME' } },
      backer.token,
    );

  const pledgeOf = async (backer: SignedUpProfile, id: string) => {
    const node = ok(await app.gql(PotPledgeNodeDocument, { id }, backer.token), 'node');
    return node as PotPledgeFieldsFragment;
  };

  const statesOf = (pledge: PotPledgeFieldsFragment) => pledge.increments.map((payment) => payment.state);

  /**
   * Waits for the pledge's payments to be `states` and, when given, the pledge to be `status`: the
   * pledge and its payments are two reads, so one answer may fall between them and the commit that
   * changes both.
   */
  const waitForStates = (backer: SignedUpProfile, id: string, states: string[], status?: string, timeoutMs = 30_000) =>
    eventually(
      async () => {
        const pledge = await pledgeOf(backer, id);
        return JSON.stringify(statesOf(pledge)) === JSON.stringify(states) && (!status || pledge.status === status) ? pledge : null;
      },
      timeoutMs,
      `payments of ${id} to be ${states.join(', ')}${status ? ` and the pledge ${status}` : ''}`,
    );

  /** What the campaign's escrow received: every collection, less refunds (journal kinds named by payments). */
  const escrowCredits = async (campaignId: string) => {
    const [{ total }] = await app.sql<{ total: string }>(
      `SELECT coalesce(sum(p.amount), 0) AS total FROM payments.postings p JOIN payments.journal_entries e ON e.id = p.journal_entry_id
        WHERE p.account = $1 AND e.kind IN ('pledge.collected', 'pledge.increment_collected', 'pledge.refunded', 'pledge.increment_refunded')`,
      [`campaign:${campaignId}:escrow`],
    );
    return Number(total);
  };

  const collectedOf = async (campaignId: string) => ok(await app.gql(PotCampaignDocument, { id: campaignId }), 'campaign').collected.amount;

  it('refuses it where the campaign does not offer it, or below its minimum, with fields and nothing written', async () => {
    const backer = await signUp(app);
    const offered = await potCampaign({ fundingModel: 'FLEXIBLE', deadlineSeconds: 600, minimum: 5_000 });
    const below = await pledgeOverTime(backer, offered.id, 4_000);
    expect(errorCode(below)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(below)).toEqual(['amount']);
    expect(below.errors![0].message + JSON.stringify(below.errors![0].extensions)).toContain('1000 short');
    const notOffered = await liveCampaign(app, creator);
    const refused = await pledgeOverTime(backer, notOffered.id, 9_000);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(refused)).toEqual(['paymentPlan']);
    const [{ n }] = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM funding.pledges WHERE campaign_id = ANY($1)`, [[offered.id, notOffered.id]]);
    expect(n).toBe(0);
  });

  it('an ALL_OR_NOTHING pledge of 10000 in three: 3334 at the deadline, then 3333 and 3333 one interval apart, each its own charge, entry and payout', async () => {
    const backer = await signUp(app);
    const campaign = await potCampaign({ fundingModel: 'ALL_OR_NOTHING', deadlineSeconds: 3 });
    const made = ok(await pledgeOverTime(backer, campaign.id, 10_000, campaign.tier.id), 'pledge');
    expect(made).toMatchObject({ status: 'PENDING', paymentPlan: 'PLEDGE_OVER_TIME', late: false });
    expect(made.increments.map((payment) => payment.amount.amount)).toEqual([3_334, 3_333, 3_333]);
    expect(statesOf(made)).toEqual(['SCHEDULED', 'SCHEDULED', 'SCHEDULED']);

    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    const first = await waitForStates(backer, made.id, ['COLLECTED', 'SCHEDULED', 'SCHEDULED'], 'COLLECTED');
    expect(first.status).toBe('COLLECTED');
    const done = await waitForStates(backer, made.id, ['COLLECTED', 'COLLECTED', 'COLLECTED']);
    const collectedAt = done.increments.map((payment) => new Date(payment.collectedAt!).getTime());
    expect(collectedAt[1] - collectedAt[0]).toBeGreaterThanOrEqual(INTERVAL_SECONDS * 1000 - 500);
    expect(collectedAt[2] - collectedAt[1]).toBeGreaterThanOrEqual(INTERVAL_SECONDS * 1000 - 500);

    // One provider charge per payment, each with its own key.
    const charges = await app.sql<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM payments.sandbox_requests WHERE idempotency_key LIKE $1 AND operation = 'chargeOffSession' ORDER BY idempotency_key`,
      [`pledge:${made.id}:%`],
    );
    expect(charges.map((row) => row.idempotency_key)).toEqual([1, 2, 3].map((n) => `pledge:${made.id}:increment:${n}:charge:1`));
    const entries = await app.sql<{ reference: string }>(
      `SELECT reference FROM payments.journal_entries WHERE kind = 'pledge.increment_collected' AND reference LIKE $1 ORDER BY reference`,
      [`${made.id}:%`],
    );
    expect(entries).toHaveLength(3);
    expect(await collectedOf(campaign.id)).toBe(10_000);
    expect(await escrowCredits(campaign.id)).toBe(10_000);

    // Each payment goes out in the creator's next payout: the escrow ends empty, all of it paid out.
    await eventually(async () => (await escrowBalance(app, campaign.id)) === 0, 30_000, 'every payment to be paid out');
    const [row] = await app.sql<{ paid_out_amount: string; payouts_made: number }>(`SELECT paid_out_amount, payouts_made FROM funding.campaigns WHERE id = $1`, [campaign.id]);
    expect(Number(row.paid_out_amount)).toBe(10_000);
    expect(row.payouts_made).toBeGreaterThanOrEqual(2);
    await expectLedgerSound(app);
  }, 60_000);

  it('a first payment declined at the deadline fails the pledge; retryPledgePayment pays it with the next attempt key and schedules the rest', async () => {
    const backer = await signUp(app);
    const campaign = await potCampaign({ fundingModel: 'ALL_OR_NOTHING', deadlineSeconds: 3 });
    const made = ok(await pledgeOverTime(backer, campaign.id, 9_000, null, 'pm_card_chargeCustomerFail'), 'pledge');
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    const failed = await waitForStates(backer, made.id, ['FAILED', 'SCHEDULED', 'SCHEDULED'], 'PAYMENT_FAILED');
    expect(failed.status).toBe('PAYMENT_FAILED');
    await waitForNotification(app, backer, 'PAYMENT_FAILED', made.id);
    const fixed = ok(await app.gql(RetryPotPaymentDocument, { id: made.id, paymentMethodId: 'pm_card_visa' }, backer.token), 'retryPledgePayment');
    expect(fixed.status).toBe('COLLECTED');
    expect(statesOf(fixed)).toEqual(['COLLECTED', 'SCHEDULED', 'SCHEDULED']);
    // The later payments fall due one interval after the fixed first one.
    expect(new Date(fixed.increments[1].dueAt).getTime() - new Date(fixed.increments[0].collectedAt!).getTime()).toBeGreaterThanOrEqual(INTERVAL_SECONDS * 1000 - 1000);
    const keys = await app.sql<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM payments.sandbox_requests WHERE idempotency_key LIKE $1 AND operation IN ('chargeOnSession', 'chargeOffSession') ORDER BY idempotency_key`,
      [`pledge:${made.id}:increment:1:%`],
    );
    expect(keys.map((row) => row.idempotency_key)).toEqual([`pledge:${made.id}:increment:1:charge:1`, `pledge:${made.id}:increment:1:charge:2`]);
    expect(await escrowCredits(campaign.id)).toBe(await collectedOf(campaign.id));
  }, 60_000);

  it('a later payment that fails is FAILED, the backer is told (INCREMENT_FAILED) and fixes it with retryPledgePayment; the rest is charged to the new card', async () => {
    const backer = await signUp(app);
    const campaign = await potCampaign({ fundingModel: 'FLEXIBLE', deadlineSeconds: 600 });
    const made = ok(await pledgeOverTime(backer, campaign.id, 9_000), 'pledge');
    expect(statesOf(made)).toEqual(['COLLECTED', 'SCHEDULED', 'SCHEDULED']);
    // Between payments, only the card: the next payment will be declined.
    const changed = ok(await app.gql(ChangePotCardDocument, { id: made.id, paymentMethodId: 'pm_card_chargeCustomerFail' }, backer.token), 'updatePledge');
    expect(changed.status).toBe('COLLECTED');

    const failed = await waitForStates(backer, made.id, ['COLLECTED', 'FAILED', 'SCHEDULED'], 'PAYMENT_FAILED');
    expect(failed.status).toBe('PAYMENT_FAILED');
    const notice = await waitForNotification(app, backer, 'INCREMENT_FAILED', made.id);
    expect(notice).toBeTruthy();

    const fixed = ok(await app.gql(RetryPotPaymentDocument, { id: made.id, paymentMethodId: 'pm_card_visa' }, backer.token), 'retryPledgePayment');
    expect(fixed.status).toBe('COLLECTED');
    expect(statesOf(fixed).slice(0, 2)).toEqual(['COLLECTED', 'COLLECTED']);
    const done = await waitForStates(backer, made.id, ['COLLECTED', 'COLLECTED', 'COLLECTED'], 'COLLECTED');
    expect(done.status).toBe('COLLECTED');

    const keys = await app.sql<{ idempotency_key: string; operation: string; status: string }>(
      `SELECT idempotency_key, operation, response->>'status' AS status FROM payments.sandbox_requests
        WHERE idempotency_key LIKE $1 AND operation IN ('chargeOnSession', 'chargeOffSession') ORDER BY idempotency_key`,
      [`pledge:${made.id}:%`],
    );
    expect(keys.map((row) => row.idempotency_key)).toEqual([
      `pledge:${made.id}:increment:2:charge:1`,
      `pledge:${made.id}:increment:2:charge:2`,
      `pledge:${made.id}:increment:3:charge:1`,
    ]);
    expect(await collectedOf(campaign.id)).toBe(9_000);
    expect(await escrowCredits(campaign.id)).toBe(9_000);
    expect(await escrowBalance(app, campaign.id)).toBe(9_000); // still LIVE: nothing paid out yet
    await expectLedgerSound(app);
  }, 60_000);

  it('a later payment not fixed in time drops the pledge: it keeps its first payment, cancels the rest and gives its reward unit back', async () => {
    const backer = await signUp(app);
    const campaign = await potCampaign({ fundingModel: 'FLEXIBLE', deadlineSeconds: 600, tierLimit: 1 });
    const made = ok(await pledgeOverTime(backer, campaign.id, 6_000, campaign.tier.id), 'pledge');
    expect(ok(await app.gql(PotCampaignDocument, { id: campaign.id }), 'campaign').rewardTiers[0].remaining).toBe(0);
    ok(await app.gql(ChangePotCardDocument, { id: made.id, paymentMethodId: 'pm_card_chargeCustomerFail' }, backer.token), 'updatePledge');

    await waitForStates(backer, made.id, ['COLLECTED', 'FAILED', 'SCHEDULED']);
    const dropped = await eventually(async () => {
      const pledge = await pledgeOf(backer, made.id);
      return pledge.status === 'DROPPED' ? pledge : null;
    }, 30_000, 'the pledge to be dropped');
    expect(statesOf(dropped)).toEqual(['COLLECTED', 'CANCELED', 'CANCELED']);
    await waitForNotification(app, backer, 'PLEDGE_DROPPED', made.id);
    const after = ok(await app.gql(PotCampaignDocument, { id: campaign.id }), 'campaign');
    expect(after.rewardTiers[0].remaining).toBe(1);
    expect(after.collected.amount).toBe(2_000);
    expect(after.pledged.amount).toBe(0);
    expect(await escrowCredits(campaign.id)).toBe(2_000);
    // Too late to fix: the window is over, and the pledge is no longer failed.
    expect(errorCode(await app.gql(RetryPotPaymentDocument, { id: made.id, paymentMethodId: 'pm_card_visa' }, backer.token))).toBe('CONFLICT');
    await expectLedgerSound(app);
  }, 60_000);

  it('a refund refunds each collected payment with its own key and cancels the rest; a canceled campaign cancels every payment', async () => {
    const admin = await signUpAdmin(app);
    const backer = await signUp(app);
    const flexible = await potCampaign({ fundingModel: 'FLEXIBLE', deadlineSeconds: 600 });
    const made = ok(await pledgeOverTime(backer, flexible.id, 4_500), 'pledge');
    expect(ok(await app.gql(RefundPledgeStatusDocument, { id: made.id }, admin.token), 'refundPledge').status).toBe('REFUNDED');
    expect(statesOf(await pledgeOf(backer, made.id))).toEqual(['REFUNDED', 'CANCELED', 'CANCELED']);
    const refunds = await app.sql(`SELECT 1 FROM payments.sandbox_requests WHERE idempotency_key = $1 AND operation = 'refund'`, [
      `pledge:${made.id}:increment:1:refund`,
    ]);
    expect(refunds).toHaveLength(1);
    expect(await collectedOf(flexible.id)).toBe(0);
    expect(await escrowBalance(app, flexible.id)).toBe(0);

    const waiting = await potCampaign({ fundingModel: 'ALL_OR_NOTHING', deadlineSeconds: 600 });
    const pending = ok(await pledgeOverTime(await signUp(app), waiting.id, 4_500), 'pledge');
    expect(ok(await app.gql(CancelCampaignDocument, { id: waiting.id }, creator.token), 'cancelCampaign').status).toBe('CANCELED');
    const [row] = await app.sql<{ status: string; states: string[] }>(
      `SELECT p.status, array_agg(i.state ORDER BY i.number) AS states FROM funding.pledges p JOIN funding.pledge_increments i ON i.pledge_id = p.id
        WHERE p.id = $1 GROUP BY p.status`,
      [pending.id],
    );
    expect(row).toEqual({ status: 'CANCELED', states: ['CANCELED', 'CANCELED', 'CANCELED'] });
    await expectLedgerSound(app);
  });

  it('kill -9 right after the provider charged a later payment and before it was recorded: after a restart it is charged exactly once', async () => {
    const backer = await signUp(app);
    const campaign = await potCampaign({ fundingModel: 'FLEXIBLE', deadlineSeconds: 600 });
    // Earlier tests' payments are all made first, so the armed point fires on this pledge's.
    await eventually(
      async () => (await app.sql(`SELECT 1 FROM funding.pledge_increments i JOIN funding.pledges p ON p.id = i.pledge_id WHERE i.state = 'SCHEDULED' AND p.status = 'COLLECTED'`)).length === 0,
      30_000,
      'earlier payments to be made',
    );
    // The same database, now with the crash point armed: the job that charges payment 2 kills
    // the process right after the provider answers (the first payment is charged on-session, at once).
    await app.crash();
    await app.restart({ FOULE_FAULT: 'crash-after-provider:pledge.increment.charge' });
    const made = ok(await pledgeOverTime(backer, campaign.id, 3_000), 'pledge');
    const alive = async () => {
      try {
        return (await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(2000) })).ok;
      } catch {
        return false;
      }
    };
    await eventually(async () => !(await alive()), 30_000, 'the api to kill itself after charging payment 2');
    const charged = await app.sql(`SELECT 1 FROM payments.sandbox_requests WHERE idempotency_key = $1`, [`pledge:${made.id}:increment:2:charge:1`]);
    const [payment] = await app.sql<{ state: string }>(`SELECT state FROM funding.pledge_increments WHERE pledge_id = $1 AND number = 2`, [made.id]);
    expect({ charged: charged.length, state: payment.state }).toEqual({ charged: 1, state: 'SCHEDULED' });

    await app.crash();
    await app.restart({ FOULE_FAULT: '' });
    await waitForStates(backer, made.id, ['COLLECTED', 'COLLECTED', 'COLLECTED']);
    const requests = await app.sql<{ idempotency_key: string; n: number }>(
      `SELECT idempotency_key, count(*)::int AS n FROM payments.sandbox_requests WHERE idempotency_key LIKE $1 AND operation = 'chargeOffSession'
        GROUP BY idempotency_key ORDER BY idempotency_key`,
      [`pledge:${made.id}:%`],
    );
    expect(requests).toEqual([
      { idempotency_key: `pledge:${made.id}:increment:2:charge:1`, n: 1 },
      { idempotency_key: `pledge:${made.id}:increment:3:charge:1`, n: 1 },
    ]);
    const [{ entries }] = await app.sql<{ entries: number }>(
      `SELECT count(*)::int AS entries FROM payments.journal_entries WHERE kind = 'pledge.increment_collected' AND reference = $1`,
      [`${made.id}:increment:2`],
    );
    expect(entries).toBe(1);
    expect(await escrowCredits(campaign.id)).toBe(3_000);
    expect(await collectedOf(campaign.id)).toBe(3_000);
    await expectLedgerSound(app);
  }, 120_000);
});
