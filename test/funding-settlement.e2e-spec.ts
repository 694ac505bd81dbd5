import {
  CancelCampaignDocument,
  CancelCampaignIdDocument,
  CancelPledgeDocument,
  LedgerCheckDocument,
  MyPayoutsDocument,
  PledgeNodeDocument,
  PledgeSettlementViewDocument,
  ProfileCampaignsBackedDocument,
  RefundPledgeDocument,
  RefundPledgeStatusDocument,
  RetryPledgePaymentDocument,
  UpdatePledgeIdDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import {
  FUNDING_TEST_ENV,
  campaignState,
  escrowBalance,
  liveCampaign,
  ok,
  pledge,
  pledgeStatuses,
  sandboxCharges,
  signUpCreator,
  subscribeToProgress,
  waitForStatus,
} from './support/funding-fixtures';
import { finishedJobs } from './support/jobs';
import { eventually, expectLedgerSound } from './support/payments-fixtures';

const RETRY_WINDOW_SECONDS = 8;
const PAYOUT_DELAY_SECONDS = 1;
const RETRY = RetryPledgePaymentDocument;

/**
 * Settlement at the deadline with short durations: success (every pending pledge charged
 * once, ledger, payout after the delay minus the 5% fee), failure (nobody charged), failed
 * payments fixed within the retry window (and paid out by a second payout) or dropped after
 * it, flexible funding, and admin refunds.
 */
describe('funding: settlement at the deadline, retries, payouts, flexible funding, refunds', () => {
  let app: TestApp;
  let admin: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({
      ...FUNDING_TEST_ENV,
      PAYMENT_RETRY_WINDOW_SECONDS: String(RETRY_WINDOW_SECONDS),
      CAMPAIGN_PAYOUT_DELAY_SECONDS: String(PAYOUT_DELAY_SECONDS),
    });
    admin = await signUpAdmin(app);
  });
  afterAll(() => app?.close());
  afterEach(async () => {
    await expectLedgerSound(app);
    const check = ok(await app.gql(LedgerCheckDocument, {}, admin.token), 'ledgerCheck');
    expect(check.balanced).toBe(true);
  });

  const payoutsOf = (campaignId: string) =>
    app.sql(`SELECT amount::int, currency, idempotency_key, recipient_profile_id, created_at FROM payments.payouts WHERE source_id = $1 ORDER BY created_at`, [campaignId]);
  const entriesOf = async (reference: string) =>
    (await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [reference])).map((row) => row.kind);
  const balance = async (account: string) =>
    Number((await app.sql(`SELECT balance FROM payments.account_balances WHERE account = $1 AND currency = 'EUR'`, [account]))[0]?.balance ?? 0);

  it('goal met: SUCCESSFUL, every pending pledge charged once off-session, collected into escrow, paid out after the delay minus 5%', async () => {
    const creator = await signUpCreator(app);
    const backers = await Promise.all([1, 2, 3].map(() => signUp(app)));
    const feesBefore = await balance('platform:fees');
    const campaign = await liveCampaign(app, creator, { goal: 5000, deadlineSeconds: 3, tiers: [{ minimum: 2000, limit: 10 }] });
    const progress = await subscribeToProgress(app, campaign.id);
    const pledges = [];
    for (const [index, amount] of [2000, 2500, 1500].entries()) {
      pledges.push(ok(await pledge(app, backers[index], { campaignId: campaign.id, amount, tierId: index === 1 ? campaign.tiers[0].id : null }), 'pledge'));
    }
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    const state = await campaignState(app, campaign.id);
    expect(state).toMatchObject({ status: 'SUCCESSFUL', pledged: { amount: 6000 }, collected: { amount: 6000 }, backersCount: 3, percentFunded: 120 });
    // Subscribers saw each pledge, the end of the campaign and its collection.
    await eventually(async () => progress.events.some((event) => event.status === 'SUCCESSFUL' && event.collected.amount === 6000), 10_000, 'the settled progress');
    await progress.close();
    expect(progress.errors).toEqual([]);
    expect(progress.events.slice(0, 3).map((event) => [event.status, event.pledged.amount, event.backersCount])).toEqual([
      ['LIVE', 2000, 1],
      ['LIVE', 4500, 2],
      ['LIVE', 6000, 3],
    ]);
    expect(new Date(state.endedAt!).getTime()).toBe(new Date(state.deadline).getTime());
    for (const made of pledges) {
      const view = ok(await app.gql(PledgeSettlementViewDocument, { id: made.id }, creator.token), 'node');
      expect(view).toMatchObject({ status: 'COLLECTED', failureReason: null, collectedAt: expect.any(String) });
      expect(await sandboxCharges(app, made.id)).toEqual([{ idempotency_key: `pledge:${made.id}:charge:1`, operation: 'chargeOffSession', status: 'succeeded' }]);
      expect(await entriesOf(made.id)).toEqual(['pledge.collected']);
    }

    // The payout: once, after the delay, for what was collected, minus PLATFORM_FEE_BPS (5%).
    const [payout] = await eventually(async () => ((await payoutsOf(campaign.id)).length ? payoutsOf(campaign.id) : null), 20_000, 'the payout');
    expect(payout).toMatchObject({ amount: 5700, currency: 'EUR', idempotency_key: `campaign:${campaign.id}:payout:1`, recipient_profile_id: creator.id });
    expect(new Date(payout.created_at).getTime()).toBeGreaterThanOrEqual(new Date(state.endedAt!).getTime() + PAYOUT_DELAY_SECONDS * 1000);
    expect(await entriesOf(campaign.id)).toEqual(['campaign.payout']);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
    expect((await balance('platform:fees')) - feesBefore).toBe(300);
    await eventually(async () => (await app.sql(`SELECT 1 FROM payments.payouts WHERE source_id = $1 AND status = 'PAID'`, [campaign.id]))[0], 20_000, 'the payout to be paid');
    const myPayouts = ok(await app.gql(MyPayoutsDocument, {}, creator.token), 'myPayouts');
    expect(myPayouts.edges).toEqual([{ node: { amount: { amount: 5700 }, status: 'PAID', sourceId: campaign.id } }]);
    // Nothing changes a settled campaign's pledges any more.
    const late = await app.gql(CancelPledgeDocument, { id: pledges[0].id }, backers[0].token);
    expect(errorCode(late)).toBe('CONFLICT');
    expect(errorCode(await app.gql(CancelCampaignIdDocument, { id: campaign.id }, creator.token))).toBe('CONFLICT');
    // The job ran again (a duplicate delivery) finds nothing to do.
    const stats = ok(await app.gql(ProfileCampaignsBackedDocument, { id: backers[0].id }), 'node');
    expect(stats.stats.campaignsBacked).toBe(1);
  });

  it('goal missed: FAILED, every pledge CANCELED, units released, nobody charged', async () => {
    const creator = await signUpCreator(app);
    const backers = await Promise.all([1, 2].map(() => signUp(app)));
    const campaign = await liveCampaign(app, creator, { goal: 100_000, deadlineSeconds: 3, tiers: [{ minimum: 1000, limit: 2 }] });
    const made = [];
    for (const backer of backers) made.push(ok(await pledge(app, backer, { campaignId: campaign.id, amount: 1000, tierId: campaign.tiers[0].id }), 'pledge'));
    await waitForStatus(app, campaign.id, 'FAILED');
    const state = await campaignState(app, campaign.id);
    expect(state).toMatchObject({ status: 'FAILED', pledged: { amount: 0 }, collected: { amount: 0 }, backersCount: 0, rewardTiers: [{ remaining: 2 }] });
    expect(await pledgeStatuses(app, campaign.id)).toEqual({ CANCELED: 2 });
    for (const pledgeMade of made) {
      expect(await sandboxCharges(app, pledgeMade.id)).toEqual([]);
      expect(await entriesOf(pledgeMade.id)).toEqual([]);
    }
    // A failed campaign queues no payout job, so nothing is paid.
    expect(await finishedJobs(app, 'funding.pay-out-campaign', campaign.id)).toEqual([]);
    expect(await payoutsOf(campaign.id)).toEqual([]);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
  });

  it('a declined charge: PAYMENT_FAILED with its reason; fixed within the window it is COLLECTED and paid out by a second payout', async () => {
    const creator = await signUpCreator(app);
    const [good, failing, needs3ds] = await Promise.all([1, 2, 3].map(() => signUp(app)));
    const campaign = await liveCampaign(app, creator, { goal: 3000, deadlineSeconds: 3 });
    const paid = ok(await pledge(app, good, { campaignId: campaign.id, amount: 3000 }), 'pledge');
    const declined = ok(await pledge(app, failing, { campaignId: campaign.id, amount: 1000, paymentMethodId: 'pm_card_chargeCustomerFail' }), 'pledge');
    const authentication = ok(await pledge(app, needs3ds, { campaignId: campaign.id, amount: 2000, paymentMethodId: 'pm_card_authenticationRequired' }), 'pledge');
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');

    const view = async (id: string, token: string) => ok(await app.gql(PledgeNodeDocument, { id }, token), 'node');
    expect(await view(declined.id, failing.token)).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'Your card was declined. (card_declined)', collectedAt: null });
    expect((await view(authentication.id, needs3ds.token)).failureReason).toMatch(/authentication_required/);
    expect(await campaignState(app, campaign.id)).toMatchObject({ pledged: { amount: 6000 }, collected: { amount: 3000 }, backersCount: 3 });

    // The first payout takes only what was collected by then.
    await eventually(async () => (await payoutsOf(campaign.id)).length === 1, 20_000, 'the first payout');
    expect((await payoutsOf(campaign.id))[0]).toMatchObject({ amount: 2850, idempotency_key: `campaign:${campaign.id}:payout:1` });

    // Only the backer retries, only a failed pledge, and a decline stays failed (attempt counted).
    expect(errorCode(await app.gql(RETRY, { id: declined.id, pm: 'pm_card_visa' }, good.token))).toBe('FORBIDDEN');
    const notFailed = await app.gql(RETRY, { id: paid.id, pm: 'pm_card_visa' }, good.token);
    expect(errorCode(notFailed)).toBe('CONFLICT');
    expect(notFailed.errors![0].message).toMatch(/Cannot retry the payment of a COLLECTED pledge/);
    const again = await app.gql(RETRY, { id: declined.id, pm: 'pm_card_chargeCustomerFail' }, failing.token);
    expect(errorCode(again)).toBe('PAYMENT_FAILED');
    expect(again.errors![0].extensions.declineCode).toBe('card_declined');
    expect(await view(declined.id, failing.token)).toMatchObject({ status: 'PAYMENT_FAILED' });

    const fixed = ok(await app.gql(RETRY, { id: declined.id, pm: 'pm_card_visa' }, failing.token), 'retryPledgePayment');
    expect(fixed).toMatchObject({ status: 'COLLECTED', failureReason: null, collectedAt: expect.any(String) });
    expect((await sandboxCharges(app, declined.id)).map((row) => [row.idempotency_key, row.operation, row.status])).toEqual([
      [`pledge:${declined.id}:charge:1`, 'chargeOffSession', 'failed'],
      [`pledge:${declined.id}:charge:2`, 'chargeOnSession', 'failed'],
      [`pledge:${declined.id}:charge:3`, 'chargeOnSession', 'succeeded'],
    ]);
    // A fix after the first payout is paid out by a payout of its own.
    await eventually(async () => (await payoutsOf(campaign.id)).length === 2, 20_000, 'the second payout');
    // The same card, now on-session, passes authentication; its money goes out in a third payout.
    expect(ok(await app.gql(RETRY, { id: authentication.id, pm: 'pm_card_authenticationRequired' }, needs3ds.token), 'retryPledgePayment').status).toBe('COLLECTED');
    await eventually(async () => (await payoutsOf(campaign.id)).length === 3, 20_000, 'the third payout');
    const payouts = await payoutsOf(campaign.id);
    expect(payouts.map((p) => [p.amount, p.idempotency_key])).toEqual([
      [2850, `campaign:${campaign.id}:payout:1`],
      [950, `campaign:${campaign.id}:payout:2`],
      [1900, `campaign:${campaign.id}:payout:3`],
    ]);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
    expect(await campaignState(app, campaign.id)).toMatchObject({ collected: { amount: 6000 } });
    const [row] = await app.sql(`SELECT paid_out_amount::int, payouts_made FROM funding.campaigns WHERE id = $1`, [campaign.id]);
    expect(row).toEqual({ paid_out_amount: 6000, payouts_made: 3 });
    // Money already paid out is not refunded: CONFLICT, saying why.
    const refund = await app.gql(RefundPledgeStatusDocument, { id: paid.id }, admin.token);
    expect(errorCode(refund)).toBe('CONFLICT');
    expect(refund.errors![0].message).toMatch(/already paid out.*clawback/);
  });

  it('every charge declined: nothing is paid out at the delay; the first fix is paid out on its own', async () => {
    const creator = await signUpCreator(app);
    const failing = await signUp(app);
    const campaign = await liveCampaign(app, creator, { goal: 1000, deadlineSeconds: 3 });
    const made = ok(await pledge(app, failing, { campaignId: campaign.id, amount: 1000, paymentMethodId: 'pm_card_chargeCustomerFail' }), 'pledge');
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    expect(await finishedJobs(app, 'funding.pay-out-campaign', campaign.id)).toEqual(['completed']);
    expect(await payoutsOf(campaign.id)).toEqual([]);
    expect(ok(await app.gql(RETRY, { id: made.id, pm: 'pm_card_visa' }, failing.token), 'retryPledgePayment').status).toBe('COLLECTED');
    await eventually(async () => (await payoutsOf(campaign.id)).length === 1, 20_000, 'the payout of the fixed pledge');
    expect((await payoutsOf(campaign.id))[0]).toMatchObject({ amount: 950, idempotency_key: `campaign:${campaign.id}:payout:1` });
    expect(await escrowBalance(app, campaign.id)).toBe(0);
  });

  it('the retry window ends: unfixed pledges are DROPPED and give their units back', async () => {
    const creator = await signUpCreator(app);
    const [good, failing] = await Promise.all([1, 2].map(() => signUp(app)));
    const campaign = await liveCampaign(app, creator, { goal: 1000, deadlineSeconds: 3, tiers: [{ minimum: 1000, limit: 2 }] });
    ok(await pledge(app, good, { campaignId: campaign.id, amount: 1000, tierId: campaign.tiers[0].id }), 'pledge');
    const failed = ok(
      await pledge(app, failing, { campaignId: campaign.id, amount: 1000, tierId: campaign.tiers[0].id, paymentMethodId: 'pm_card_chargeCustomerFail' }),
      'pledge',
    );
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    expect((await campaignState(app, campaign.id)).rewardTiers).toEqual([expect.objectContaining({ remaining: 0, backersCount: 2 })]);
    const [{ retry_window_ends_at: endsAt }] = await app.sql(`SELECT retry_window_ends_at FROM funding.campaigns WHERE id = $1`, [campaign.id]);
    await eventually(async () => (await pledgeStatuses(app, campaign.id)).DROPPED === 1, (RETRY_WINDOW_SECONDS + 15) * 1000, 'the drop');
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(endsAt).getTime());
    expect(await pledgeStatuses(app, campaign.id)).toEqual({ COLLECTED: 1, DROPPED: 1 });
    expect(await campaignState(app, campaign.id)).toMatchObject({ pledged: { amount: 1000 }, backersCount: 1, rewardTiers: [{ remaining: 1, backersCount: 1 }] });
    const late = await app.gql(RETRY, { id: failed.id, pm: 'pm_card_visa' }, failing.token);
    expect(errorCode(late)).toBe('CONFLICT');
    expect(late.errors![0].message).toMatch(/Cannot retry the payment of a DROPPED pledge/);
    expect(await sandboxCharges(app, failed.id)).toHaveLength(1);
  }, 60_000);

  it('FLEXIBLE: charged when made (a decline is PAYMENT_FAILED and no pledge), SUCCESSFUL with anything collected', async () => {
    const creator = await signUpCreator(app);
    const [first, second, declinedBacker] = await Promise.all([1, 2, 3].map(() => signUp(app)));
    const campaign = await liveCampaign(app, creator, { fundingModel: 'FLEXIBLE', goal: 100_000, deadlineSeconds: 4 });
    const made = ok(await pledge(app, first, { campaignId: campaign.id, amount: 2000 }), 'pledge');
    expect(made).toMatchObject({ status: 'COLLECTED', collectedAt: expect.any(String) });
    expect(await sandboxCharges(app, made.id)).toEqual([]); // charged under the request's key, not the deadline's
    expect(await entriesOf(made.id)).toEqual(['pledge.collected']);
    expect(await escrowBalance(app, campaign.id)).toBe(2000);
    ok(await pledge(app, second, { campaignId: campaign.id, amount: 1000 }), 'pledge');

    for (const paymentMethodId of ['pm_card_chargeCustomerFail', 'pm_card_chargeDeclined']) {
      const declined = await pledge(app, declinedBacker, { campaignId: campaign.id, amount: 1500, paymentMethodId });
      expect(errorCode(declined)).toBe('PAYMENT_FAILED');
      expect(declined.errors![0].extensions.declineCode).toBe('card_declined');
    }
    expect(await app.sql(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [declinedBacker.id])).toEqual([]);
    const change = await app.gql(UpdatePledgeIdDocument, { id: made.id, input: { amount: 5000 } }, first.token);
    expect(errorCode(change)).toBe('CONFLICT');
    expect(errorCode(await app.gql(CancelPledgeDocument, { id: made.id }, first.token))).toBe('CONFLICT');
    expect(await campaignState(app, campaign.id)).toMatchObject({ pledged: { amount: 3000 }, collected: { amount: 3000 }, backersCount: 2 });

    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    await eventually(async () => (await payoutsOf(campaign.id)).length === 1, 20_000, 'the payout');
    expect((await payoutsOf(campaign.id))[0].amount).toBe(2850);
    expect(await escrowBalance(app, campaign.id)).toBe(0);

    // Nothing collected at the deadline: FAILED.
    const empty = await liveCampaign(app, creator, { fundingModel: 'FLEXIBLE', goal: 1000, deadlineSeconds: 3 });
    await waitForStatus(app, empty.id, 'FAILED');
  });

  it('ADMIN refundPledge: COLLECTED -> REFUNDED with a reversing entry, while the money is in escrow', async () => {
    const creator = await signUpCreator(app);
    const [first, second] = await Promise.all([1, 2].map(() => signUp(app)));
    const campaign = await liveCampaign(app, creator, { fundingModel: 'FLEXIBLE', goal: 100_000, deadlineSeconds: 600 });
    const a = ok(await pledge(app, first, { campaignId: campaign.id, amount: 2000 }), 'pledge');
    const b = ok(await pledge(app, second, { campaignId: campaign.id, amount: 500 }), 'pledge');
    const REFUND = RefundPledgeDocument;
    expect(errorCode(await app.gql(REFUND, { id: a.id }, first.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(REFUND, { id: a.id }, creator.token))).toBe('FORBIDDEN');
    // A flexible campaign that holds backers' money is not canceled until they are refunded.
    const cancel = await app.gql(CancelCampaignDocument, { id: campaign.id }, creator.token);
    expect(errorCode(cancel)).toBe('CONFLICT');
    expect(cancel.errors![0].message).toMatch(/refundPledge/);

    expect(ok(await app.gql(REFUND, { id: a.id }, admin.token), 'refundPledge')).toEqual({ id: a.id, status: 'REFUNDED' });
    expect(await entriesOf(a.id)).toEqual(['pledge.collected', 'pledge.refunded']);
    const refunds = await app.sql(`SELECT amount::int FROM payments.sandbox_requests WHERE operation = 'refund' AND idempotency_key = $1`, [`pledge:${a.id}:refund`]);
    expect(refunds).toEqual([{ amount: 2000 }]);
    expect(await escrowBalance(app, campaign.id)).toBe(500);
    expect(await campaignState(app, campaign.id)).toMatchObject({ collected: { amount: 500 }, pledged: { amount: 500 }, backersCount: 1 });
    const twice = await app.gql(REFUND, { id: a.id }, admin.token);
    expect(errorCode(twice)).toBe('CONFLICT');
    expect(twice.errors![0].message).toMatch(/Cannot refund a REFUNDED pledge/);

    ok(await app.gql(REFUND, { id: b.id }, admin.token), 'refundPledge');
    expect(ok(await app.gql(CancelCampaignDocument, { id: campaign.id }, creator.token), 'cancelCampaign').status).toBe('CANCELED');
    expect(await escrowBalance(app, campaign.id)).toBe(0);
  });
});
