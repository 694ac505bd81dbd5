import { randomUUID } from 'node:crypto';
import {
  AddLateTierDocument,
  CreatePotCampaignDocument,
  LaunchCampaignDocument,
  PotCampaignDocument,
  PotPledgeDocument,
  PotPledgeNodeDocument,
  UpdatePotCampaignDocument,
  type PotPledgeFieldsFragment,
} from './documents/graphql';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, escrowBalance, ok, secondsFromNow, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

const fieldsOf = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) =>
  (result.errors?.[0]?.extensions.fields ?? []).map((field) => field.path);

/**
 * Late pledges (issue 11, part 3): with latePledgeDays, a successful campaign keeps taking
 * pledges until latePledgesUntil, charged at once (the first payment of a pledge over time), at
 * the tier's latePledgeMinimum, within the tier's limit; the money goes out in the next payout.
 * A failed campaign takes none.
 */
describe('funding: late pledges', () => {
  let app: TestApp;
  let creator: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, PLEDGE_OVER_TIME_INTERVAL_SECONDS: '2' });
    creator = await signUpCreator(app);
  }, 60_000);
  afterAll(() => app?.close());

  const createCampaign = (goal: number, extra: Record<string, unknown> = {}) =>
    app.gql(
      CreatePotCampaignDocument,
      {
        input: {
          title: `Lamp ${randomUUID().slice(0, 6)}`,
          blurb: 'A lamp for latecomers',
          description: 'Long story',
          category: 'Design',
          goal: { amount: goal, currency: 'EUR' },
          deadline: secondsFromNow(3),
          latePledgeDays: 1,
          pledgeOverTime: true,
          ...extra,
        },
      },
      creator.token,
    );

  const pledge = (backer: SignedUpProfile, campaignId: string, amount: number, extra: Record<string, unknown> = {}) =>
    app.gql(PotPledgeDocument, { input: { campaignId, amount, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), ...extra } }, backer.token);

  it('refuses latePledgeDays out of 0-60 on create and update, with the field', async () => {
    const tooMany = await createCampaign(1_000, { latePledgeDays: 61 });
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(tooMany)).toEqual(['latePledgeDays']);
    const campaign = ok(await createCampaign(1_000), 'createCampaign');
    const negative = await app.gql(UpdatePotCampaignDocument, { id: campaign.id, input: { latePledgeDays: -1 } }, creator.token);
    expect(errorCode(negative)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(negative)).toEqual(['latePledgeDays']);
  });

  it('after a successful end: late pledges at the late minimum, charged at once, within the limits, paid out next; after a failed end: none', async () => {
    const succeeding = ok(await createCampaign(1_000), 'createCampaign');
    const failing = ok(await createCampaign(1_000_000), 'createCampaign');
    const tier = ok(
      await app.gql(
        AddLateTierDocument,
        { campaignId: succeeding.id, input: { title: 'Lamp', description: 'One lamp', minimum: 2_000, latePledgeMinimum: 2_500, limit: 2 } },
        creator.token,
      ),
      'addRewardTier',
    );
    expect(tier.latePledgeMinimum?.amount).toBe(2_500);
    for (const id of [succeeding.id, failing.id]) ok(await app.gql(LaunchCampaignDocument, { id }, creator.token), 'launchCampaign');
    const early = ok(await pledge(await signUp(app), succeeding.id, 2_000, { tierId: tier.id }), 'pledge');
    expect(early.late).toBe(false);

    await waitForStatus(app, succeeding.id, 'SUCCESSFUL');
    await waitForStatus(app, failing.id, 'FAILED');
    const ended = ok(await app.gql(PotCampaignDocument, { id: succeeding.id }), 'campaign');
    const [{ ended_at }] = await app.sql<{ ended_at: Date }>(`SELECT ended_at FROM funding.campaigns WHERE id = $1`, [succeeding.id]);
    expect(new Date(ended.latePledgesUntil!).getTime()).toBe(new Date(ended_at).getTime() + 86_400_000);
    expect(ok(await app.gql(PotCampaignDocument, { id: failing.id }), 'campaign').latePledgesUntil).toBeNull();

    // The tier's late minimum, not its minimum.
    const latecomer = await signUp(app);
    const short = await pledge(latecomer, succeeding.id, 2_000, { tierId: tier.id });
    expect(errorCode(short)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(short)).toEqual(['amount']);
    const late = ok(await pledge(latecomer, succeeding.id, 2_500, { tierId: tier.id }), 'pledge');
    expect(late).toMatchObject({ status: 'COLLECTED', late: true, paymentPlan: 'PAY_IN_FULL' });
    expect(late.increments.map((payment) => payment.state)).toEqual(['COLLECTED']);

    // The tier's limit still holds (2 taken); a late pledge over time pays its first part at once.
    const another = await signUp(app);
    expect(errorCode(await pledge(another, succeeding.id, 3_000, { tierId: tier.id }))).toBe('CONFLICT');
    const overTime = ok(await pledge(another, succeeding.id, 3_000, { paymentPlan: 'PLEDGE_OVER_TIME' }), 'pledge');
    expect(overTime).toMatchObject({ status: 'COLLECTED', late: true, paymentPlan: 'PLEDGE_OVER_TIME' });
    expect(overTime.increments.map((payment) => payment.state)).toEqual(['COLLECTED', 'SCHEDULED', 'SCHEDULED']);

    // A failed campaign takes none.
    const refused = await pledge(await signUp(app), failing.id, 2_500);
    expect(errorCode(refused)).toBe('CONFLICT');

    // Every late payment goes out in a payout after the first one: the escrow ends empty, all of it paid out.
    await eventually(
      async () => {
        const node = ok(await app.gql(PotPledgeNodeDocument, { id: overTime.id }, another.token), 'node') as PotPledgeFieldsFragment;
        return node.increments.every((payment) => payment.state === 'COLLECTED') && (await escrowBalance(app, succeeding.id)) === 0;
      },
      30_000,
      'every late payment to be collected and paid out',
    );
    const [row] = await app.sql<{ paid_out_amount: string; payouts_made: number }>(`SELECT paid_out_amount, payouts_made FROM funding.campaigns WHERE id = $1`, [succeeding.id]);
    expect(Number(row.paid_out_amount)).toBe(2_000 + 2_500 + 3_000);
    expect(row.payouts_made).toBeGreaterThanOrEqual(2);
    expect(ok(await app.gql(PotCampaignDocument, { id: succeeding.id }), 'campaign').collected.amount).toBe(7_500);
    await expectLedgerSound(app);
  }, 60_000);
});
