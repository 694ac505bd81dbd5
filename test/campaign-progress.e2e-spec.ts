/**
 * campaignProgress after every change of a campaign's pledges or status: each pledge change
 * (pledge, update, cancel, retry, refund) and each settlement step (end, charges, retry window,
 * failure, cancellation) pushes the campaign as it is now.
 */
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, signUpAdmin } from './support/fixtures';
import { eventually } from './support/payments-fixtures';
import {
  FUNDING_TEST_ENV,
  liveCampaign,
  ok,
  pledge,
  signUpCreator,
  subscribeToProgress,
  waitForStatus,
} from './support/funding-fixtures';

type Watcher = Awaited<ReturnType<typeof subscribeToProgress>>;

describe('campaignProgress', () => {
  let app: TestApp;

  beforeAll(async () => {
    // A short retry window to see the drop; a long payout delay so the refund finds the money in escrow.
    app = await createTestApp({ ...FUNDING_TEST_ENV, PAYMENT_RETRY_WINDOW_SECONDS: '8', CAMPAIGN_PAYOUT_DELAY_SECONDS: '3600' });
  });
  afterAll(() => app.close());

  /** Runs `step` and waits for a pushed campaign that satisfies `pushed`, arriving after the step. */
  async function expectPush(watcher: Watcher, what: string, step: () => Promise<unknown>, pushed: (event: any) => boolean) {
    const before = watcher.events.length;
    await step();
    await eventually(async () => watcher.events.slice(before).some(pushed) || null, 20_000, `a progress event after ${what}`);
  }

  it('pushes after a pledge, its change, its cancellation, each settlement step, a retry, a drop and a refund', async () => {
    const creator = await signUpCreator(app);
    const admin = await signUpAdmin(app);
    const campaign = await liveCampaign(app, creator, { goal: 1000, deadlineSeconds: 4 });
    const watcher = await subscribeToProgress(app, campaign.id); // CampaignProgressDocument: id, status, pledged, collected, backersCount
    const [payer, fixer, dropper, leaver] = [await signUp(app), await signUp(app), await signUp(app), await signUp(app)];
    try {
      const paid = ok(await pledge(app, payer, { campaignId: campaign.id, amount: 1500 }), 'pledge');
      const mutate = (query: string, variables: Record<string, unknown>, token: string, field: string) => async () =>
        ok(await app.gql(query, variables, token), field);
      await expectPush(
        watcher,
        'an updatePledge',
        mutate(
          `mutation($id: ID!) { updatePledge(id: $id, input: { amount: 1800 }) { id } }`,
          { id: paid.id },
          payer.token,
          'updatePledge',
        ),
        (e) => e.pledged.amount === 1800,
      );
      const leaving = ok(await pledge(app, leaver, { campaignId: campaign.id, amount: 500 }), 'pledge');
      await expectPush(
        watcher,
        'a cancelPledge',
        mutate(`mutation($id: ID!) { cancelPledge(id: $id) { id } }`, { id: leaving.id }, leaver.token, 'cancelPledge'),
        (e) => e.backersCount === 1,
      );
      const toFix = ok(
        await pledge(app, fixer, { campaignId: campaign.id, amount: 700, paymentMethodId: 'pm_card_chargeCustomerFail' }),
        'pledge',
      );
      ok(
        await pledge(app, dropper, { campaignId: campaign.id, amount: 300, paymentMethodId: 'pm_card_chargeCustomerFail' }),
        'pledge',
      );

      // The deadline: the end, then the charges (1800 collected, two failures).
      // (Events are looked for by content: each carries the campaign as it is when pushed.)
      await eventually(
        async () => watcher.events.find((e) => e.status === 'SUCCESSFUL' && e.collected.amount === 0) ?? null,
        20_000,
        'the end pushed before the charges',
      );
      await eventually(
        async () => watcher.events.find((e) => e.status === 'SUCCESSFUL' && e.collected.amount === 1800) ?? null,
        20_000,
        'the charges pushed',
      );
      await waitForStatus(app, campaign.id, 'SUCCESSFUL');
      await expectPush(
        watcher,
        'a retryPledgePayment',
        mutate(
          `mutation($id: ID!) { retryPledgePayment(id: $id, paymentMethodId: "pm_card_visa") { id } }`,
          { id: toFix.id },
          fixer.token,
          'retryPledgePayment',
        ),
        (e) => e.collected.amount === 2500,
      );
      // The retry window closes: the unfixed pledge is dropped and no longer pledged.
      const afterRetry = watcher.events.length;
      await eventually(
        async () => watcher.events.slice(afterRetry).find((e) => e.pledged.amount === 2500 && e.backersCount === 2) ?? null,
        30_000,
        'the drop pushed',
      );
      await expectPush(
        watcher,
        'a refund',
        mutate(`mutation($id: ID!) { refundPledge(id: $id) { id } }`, { id: paid.id }, admin.token, 'refundPledge'),
        (e) => e.collected.amount === 700,
      );
      expect(watcher.errors).toEqual([]);
    } finally {
      await watcher.close();
    }
  });

  it('pushes when a campaign fails at its deadline and when its creator cancels it', async () => {
    const creator = await signUpCreator(app);
    const failing = await liveCampaign(app, creator, { goal: 100_000, deadlineSeconds: 3 });
    const canceled = await liveCampaign(app, creator);
    const [failWatch, cancelWatch] = [await subscribeToProgress(app, failing.id), await subscribeToProgress(app, canceled.id)];
    try {
      const backer = await signUp(app);
      ok(await pledge(app, backer, { campaignId: failing.id, amount: 500 }), 'pledge');
      await eventually(
        async () => failWatch.events.find((e) => e.status === 'FAILED' && e.backersCount === 0) ?? null,
        20_000,
        'the failure pushed',
      );
      await expectPush(
        cancelWatch,
        'a cancelCampaign',
        async () =>
          ok(
            await app.gql(`mutation($id: ID!) { cancelCampaign(id: $id) { id } }`, { id: canceled.id }, creator.token),
            'cancelCampaign',
          ),
        (e) => e.status === 'CANCELED',
      );
    } finally {
      await Promise.all([failWatch.close(), cancelWatch.close()]);
    }
  });
});
