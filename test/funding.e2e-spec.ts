import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  AddStretchGoalDocument,
  CampaignBySlugIdDocument,
  CampaignIdDocument,
  CampaignIdsDocument,
  CampaignPledgesDocument,
  CampaignProgressIdDocument,
  CampaignProgressTiersDocument,
  CampaignUpdatesDocument,
  CampaignViewerPledgeDocument,
  CancelCampaignDocument,
  CancelCampaignWithReasonDocument,
  CancelPledgeDocument,
  CancelPledgeStatusDocument,
  ConnectPayoutAccountDocument,
  CreateCampaignDocument,
  FundingNodeDocument,
  LaunchCampaignLaunchedAtDocument,
  LaunchCampaignStatusDocument,
  MyPledgesPageDocument,
  PostCampaignUpdateDocument,
  PostCampaignUpdateFullDocument,
  ProfileCampaignsDocument,
  RemoveRewardTierDocument,
  UpdateCampaignDocument,
  UpdatePledgeDocument,
  UpdateRewardTierDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import {
  FUNDING_TEST_ENV,
  campaignState,
  createCampaign,
  liveCampaign,
  ok,
  pledge,
  secondsFromNow,
  signUpCreator,
  subscribeToProgress,
} from './support/funding-fixtures';
import { eventually } from './support/payments-fixtures';

const fieldsOf = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) =>
  (result.errors?.[0]?.extensions.fields ?? []).map((field) => field.path);

/**
 * Campaigns and pledges before the deadline: creating, editing, launching, tiers, stretch
 * goals, updates, browsing, pledging and changing pledges, with every bad input the issue
 * lists. Settlement is in funding-settlement.e2e-spec.ts, concurrency and crashes in
 * funding-concurrency.e2e-spec.ts.
 */
describe('funding: campaigns and pledges', () => {
  let app: TestApp;
  let creator: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
  });
  afterAll(() => app?.close());

  const validInput = (overrides: Record<string, unknown> = {}) => ({
    title: 'Lumière Lamp',
    blurb: 'A lamp',
    description: 'The story',
    category: 'Design',
    goal: { amount: 50_000, currency: 'eur' },
    deadline: secondsFromNow(600),
    ...overrides,
  });

  describe('createCampaign', () => {
    it('creates a DRAFT with a slug from its title, ALL_OR_NOTHING by default, in the goal currency', async () => {
      const campaign = ok(await app.gql(CreateCampaignDocument, { input: validInput() }, creator.token), 'createCampaign');
      expect(campaign).toMatchObject({
        status: 'DRAFT',
        fundingModel: 'ALL_OR_NOTHING',
        slug: expect.stringMatching(/^lumiere-lamp(-[0-9a-z]{5})?$/),
        goal: { amount: 50_000, currency: 'EUR', formatted: '€500.00' },
        pledged: { amount: 0, currency: 'EUR' },
        collected: { amount: 0 },
        percentFunded: 0,
        backersCount: 0,
        launchedAt: null,
        rewardTiers: [],
      });
      expect(campaign.id).toMatch(/^cmp_/);
      // The same title again: a unique slug with a short suffix.
      const again = ok(await app.gql(CreateCampaignDocument, { input: validInput() }, creator.token), 'createCampaign');
      expect(again.slug).toMatch(/^lumiere-lamp-[0-9a-z]{5}$/);
      expect(again.slug).not.toBe(campaign.slug);
    });

    it('refuses anonymous callers', async () => {
      expect(errorCode(await app.gql(CreateCampaignDocument, { input: validInput() }))).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['a deadline too soon', { deadline: secondsFromNow(0) }, ['deadline'], /at least 1 second from now/],
      ['a deadline in the past', { deadline: secondsFromNow(-60) }, ['deadline'], /later deadline/],
      ['a deadline too far', { deadline: secondsFromNow(7200) }, ['deadline'], /at most 1 hour from now/],
      ['a goal of 0', { goal: { amount: 0, currency: 'EUR' } }, ['goal.amount'], /positive/],
      ['a negative goal', { goal: { amount: -100, currency: 'EUR' } }, ['goal.amount'], /positive/],
      ['a currency that is not ISO-4217', { goal: { amount: 100, currency: 'EURO' } }, ['goal.currency'], /ISO-4217/],
      ['a currency the provider does not charge in', { goal: { amount: 100, currency: 'IRR' } }, ['goal.currency'], /payment provider/],
      ['a blank title', { title: '  ' }, ['title'], /blank/],
      ['several problems at once', { goal: { amount: 0, currency: 'ZZZ' }, deadline: secondsFromNow(-1) }, ['goal.currency', 'goal.amount', 'deadline'], /./],
    ])('answers BAD_USER_INPUT to %s, naming the field', async (_label, overrides, paths, message) => {
      const result = await app.gql(CreateCampaignDocument, { input: validInput(overrides) }, creator.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(paths);
      expect(result.errors![0].message).toMatch(message);
    });
  });

  describe('editing and launching', () => {
    it('lets the creator edit a DRAFT, and fixes goal and deadline at launch', async () => {
      const campaign = await createCampaign(app, creator);
      const edited = ok(
        await app.gql(UpdateCampaignDocument, { id: campaign.id, input: { title: 'New title', category: 'Lighting', goal: { amount: 20_000, currency: 'USD' } } }, creator.token),
        'updateCampaign',
      );
      expect(edited).toMatchObject({ title: 'New title', category: 'Lighting', goal: { amount: 20_000, currency: 'USD' } });
      expect(fieldsOf(await app.gql(UpdateCampaignDocument, { id: campaign.id, input: { deadline: secondsFromNow(9999) } }, creator.token))).toEqual(['deadline']);

      const other = await signUp(app);
      expect(errorCode(await app.gql(UpdateCampaignDocument, { id: campaign.id, input: { title: 'Mine' } }, other.token))).toBe('FORBIDDEN');

      ok(await app.gql(LaunchCampaignLaunchedAtDocument, { id: campaign.id }, creator.token), 'launchCampaign');
      // Others may see it now, but still not change it.
      expect(errorCode(await app.gql(UpdateCampaignDocument, { id: campaign.id, input: { title: 'Mine' } }, other.token))).toBe('FORBIDDEN');
      // The story may change while LIVE; goal and deadline may not.
      expect(ok(await app.gql(UpdateCampaignDocument, { id: campaign.id, input: { blurb: 'Still editable' } }, creator.token), 'updateCampaign')).toBeTruthy();
      const goal = await app.gql(UpdateCampaignDocument, { id: campaign.id, input: { goal: { amount: 1, currency: 'USD' } } }, creator.token);
      expect(errorCode(goal)).toBe('CONFLICT');
      expect(goal.errors![0].message).toMatch(/Cannot change the goal or deadline of a LIVE campaign: .*fixed once a campaign is launched/);
      const again = await app.gql(LaunchCampaignStatusDocument, { id: campaign.id }, creator.token);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].message).toMatch(/Cannot launch a LIVE campaign/);
    });

    it('refuses to launch without a payout account with payouts enabled, saying to connect one', async () => {
      const unpaid = await signUp(app);
      const campaign = await createCampaign(app, unpaid);
      const result = await app.gql(LaunchCampaignStatusDocument, { id: campaign.id }, unpaid.token);
      expect(errorCode(result)).toBe('CONFLICT');
      expect(result.errors![0].message).toMatch(/connectPayoutAccount/);
      ok(await app.gql(ConnectPayoutAccountDocument, { country: 'DE' }, unpaid.token), 'connectPayoutAccount');
      const launched = await app.gql(LaunchCampaignStatusDocument, { id: campaign.id }, unpaid.token);
      expect(launched.data!.launchCampaign.status).toBe('LIVE');
      const jobs = await app.sql(`SELECT start_after FROM pgboss.job WHERE name = 'funding.settle-campaign' AND singleton_key = $1`, [campaign.id]);
      expect(jobs).toHaveLength(1);
    });

    it('refuses to launch when the deadline is no longer within bounds from now', async () => {
      const campaign = await createCampaign(app, creator, { deadlineSeconds: 3 });
      // CAMPAIGN_MIN_DURATION_SECONDS is 1: wait until less than that is left.
      await eventually(async () => Date.parse(campaign.deadline) - Date.now() < 1_000, 5_000, 'the deadline to come too close');
      const result = await app.gql(LaunchCampaignStatusDocument, { id: campaign.id }, creator.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['deadline']);
      expect(result.errors![0].extensions.fields![0].message).toMatch(/updateCampaign/);
    });

    it('cancels a DRAFT or LIVE campaign (its pending pledges too), and nothing after', async () => {
      const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 1000, limit: 5 }] });
      const backer = await signUp(app);
      ok(await pledge(app, backer, { campaignId: campaign.id, amount: 1000, tierId: campaign.tiers[0].id }), 'pledge');
      const other = await signUp(app);
      expect(errorCode(await app.gql(CancelCampaignDocument, { id: campaign.id }, other.token))).toBe('FORBIDDEN');
      const canceled = ok(
        await app.gql(CancelCampaignWithReasonDocument, { id: campaign.id, reason: 'supplier quit' }, creator.token),
        'cancelCampaign',
      );
      expect(canceled).toMatchObject({ status: 'CANCELED', pledged: { amount: 0 }, rewardTiers: [{ remaining: 5 }], viewerPledge: null });
      expect(canceled.endedAt).toBeTruthy();
      const [row] = await app.sql(`SELECT status FROM funding.pledges WHERE campaign_id = $1`, [campaign.id]);
      expect(row.status).toBe('CANCELED');
      const again = await app.gql(CancelCampaignDocument, { id: campaign.id }, creator.token);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].message).toMatch(/Cannot cancel a CANCELED campaign/);
      const late = await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 1000 });
      expect(errorCode(late)).toBe('CONFLICT');
      expect(late.errors![0].message).toMatch(/it is CANCELED; pledges are made and changed only while a campaign is LIVE/);
      const draft = await createCampaign(app, creator);
      expect(ok(await app.gql(CancelCampaignDocument, { id: draft.id }, creator.token), 'cancelCampaign').status).toBe('CANCELED');
      const relaunch = await app.gql(LaunchCampaignStatusDocument, { id: draft.id }, creator.token);
      expect(relaunch.errors![0].message).toMatch(/Cannot launch a CANCELED campaign/);
    });
  });

  describe('reward tiers and stretch goals', () => {
    it('adds, updates and removes tiers, within what backers already hold', async () => {
      const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 2500, limit: 3 }, { minimum: 5000 }] });
      const [limited, unlimited] = campaign.tiers;
      expect(limited).toMatchObject({ limit: 3, remaining: 3, minimum: { amount: 2500 } });
      expect(unlimited).toMatchObject({ limit: null, remaining: null });
      const backer = await signUp(app);
      ok(await pledge(app, backer, { campaignId: campaign.id, amount: 3000, tierId: limited.id }), 'pledge');

      const tierInput = (minimum: number, limit: number | null) => ({ title: 'Early bird', description: 'Cheaper', minimum, limit });
      // Above an existing pledge's amount: BAD_USER_INPUT on minimum.
      const tooHigh = await app.gql(UpdateRewardTierDocument, { id: limited.id, input: tierInput(3500, 3) }, creator.token);
      expect(errorCode(tooHigh)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(tooHigh)).toEqual(['minimum']);
      expect(tooHigh.errors![0].message).toMatch(/add a new tier/);
      // Below the units taken: BAD_USER_INPUT on limit.
      expect(fieldsOf(await app.gql(UpdateRewardTierDocument, { id: limited.id, input: tierInput(2000, 0) }, creator.token))).toEqual(['limit']);
      expect(ok(await app.gql(UpdateRewardTierDocument, { id: limited.id, input: tierInput(3000, 1) }, creator.token), 'updateRewardTier')).toEqual({
        minimum: { amount: 3000 },
        limit: 1,
        remaining: 0,
        backersCount: 1,
      });
      expect(fieldsOf(await app.gql(UpdateRewardTierDocument, { id: limited.id, input: tierInput(99, 1) }, creator.token))).toEqual(['minimum']);
      expect(errorCode(await app.gql(UpdateRewardTierDocument, { id: limited.id, input: tierInput(3000, 2) }, backer.token))).toBe('FORBIDDEN');

      const held = await app.gql(RemoveRewardTierDocument, { id: limited.id }, creator.token);
      expect(errorCode(held)).toBe('CONFLICT');
      expect(held.errors![0].message).toMatch(/1 backer chose this tier.*set its limit to 1/);
      expect(ok(await app.gql(RemoveRewardTierDocument, { id: unlimited.id }, creator.token), 'removeRewardTier').rewardTiers).toEqual([{ id: limited.id }]);
      expect(errorCode(await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 6000, tierId: unlimited.id }))).toBe('BAD_USER_INPUT');
    });

    it('adds stretch goals above the goal, reached as pledges come in', async () => {
      const campaign = await liveCampaign(app, creator, { goal: 1000 });
      const below = await app.gql(AddStretchGoalDocument, { id: campaign.id, input: { title: 'Too low', description: '', target: 1000 } }, creator.token);
      expect(fieldsOf(below)).toEqual(['target']);
      const goal = ok(await app.gql(AddStretchGoalDocument, { id: campaign.id, input: { title: 'Colours', description: 'More colours', target: 1500 } }, creator.token), 'addStretchGoal');
      expect(goal).toMatchObject({ target: { amount: 1500, currency: 'EUR' }, reached: false });
      ok(await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 1600 }), 'pledge');
      const state = await campaignState(app, campaign.id);
      expect(state.stretchGoals).toEqual([{ id: goal.id, title: 'Colours', target: { amount: 1500 }, reached: true }]);
      expect(state.percentFunded).toBe(160);
    });
  });

  describe('pledge', () => {
    let campaign: Awaited<ReturnType<typeof liveCampaign>>;
    beforeAll(async () => {
      campaign = await liveCampaign(app, creator, { goal: 100_000, tiers: [{ minimum: 2500, limit: 2 }, { minimum: 10_000 }] });
    });

    it('takes a PENDING pledge, counts it at once, and answers a replay of the key with the same pledge', async () => {
      const backer = await signUp(app);
      const idempotencyKey = randomUUID();
      const first = ok(await pledge(app, backer, { campaignId: campaign.id, amount: 3000, tierId: campaign.tiers[0].id, idempotencyKey }), 'pledge');
      expect(first).toMatchObject({ status: 'PENDING', amount: { amount: 3000, currency: 'EUR' }, tier: { id: campaign.tiers[0].id }, collectedAt: null });
      const replay = ok(await pledge(app, backer, { campaignId: campaign.id, amount: 3000, tierId: campaign.tiers[0].id, idempotencyKey }), 'pledge');
      expect(replay.id).toBe(first.id);
      const reused = await pledge(app, backer, { campaignId: campaign.id, amount: 4000, idempotencyKey });
      expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
      const state = await campaignState(app, campaign.id);
      expect(state.pledged.amount).toBeGreaterThanOrEqual(3000);
      const tier = state.rewardTiers.find((t: { id: string }) => t.id === campaign.tiers[0].id);
      expect(tier!.remaining).toBe(1);
      // No money moved: the card is saved for the deadline.
      expect(await app.sql(`SELECT 1 FROM payments.journal_entries WHERE reference = $1`, [first.id])).toEqual([]);
    });

    it('makes one pledge from concurrent requests with one idempotency key', async () => {
      const backer = await signUp(app);
      const idempotencyKey = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => pledge(app, backer, { campaignId: campaign.id, amount: 1234, idempotencyKey })),
      );
      const ids = new Set(results.map((result) => ok(result, 'pledge').id));
      expect(ids.size).toBe(1);
      expect(await app.sql(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [backer.id])).toEqual([{ id: [...ids][0] }]);
    });

    it('answers every bad pledge with the right code and field', async () => {
      const backer = await signUp(app);
      const other = await createCampaign(app, creator, { tiers: [{ minimum: 100 }] });
      const draftTier = other.tiers[0].id;
      const cases: [string, Parameters<typeof pledge>[2], string, string[]?][] = [
        ['below the tier minimum', { campaignId: campaign.id, amount: 2499, tierId: campaign.tiers[0].id }, 'BAD_USER_INPUT', ['amount']],
        ['below 1.00 without a tier', { campaignId: campaign.id, amount: 99 }, 'BAD_USER_INPUT', ['amount']],
        ['above the largest charge', { campaignId: campaign.id, amount: 100_000_000 }, 'BAD_USER_INPUT', ['amount']],
        ['zero', { campaignId: campaign.id, amount: 0 }, 'BAD_USER_INPUT', ['amount']],
        ['a tier of another campaign', { campaignId: campaign.id, amount: 5000, tierId: draftTier }, 'BAD_USER_INPUT', ['tierId']],
        ['an unknown payment method', { campaignId: campaign.id, amount: 5000, paymentMethodId: 'pm_nope' }, 'BAD_USER_INPUT', ['paymentMethodId']],
        ['a card declined when saved', { campaignId: campaign.id, amount: 5000, paymentMethodId: 'pm_card_chargeDeclined' }, 'PAYMENT_FAILED'],
        ['a campaign that is not LIVE (a draft of someone else)', { campaignId: other.id, amount: 5000 }, 'CONFLICT'],
        ['an unknown campaign', { campaignId: 'cmp_01JD0000000000000000000000', amount: 5000 }, 'NOT_FOUND'],
      ];
      for (const [label, input, code, fields] of cases) {
        const result = await pledge(app, backer, input);
        expect({ label, code: errorCode(result) }).toEqual({ label, code });
        if (fields) expect({ label, fields: fieldsOf(result) }).toEqual({ label, fields });
      }
      const declined = await pledge(app, backer, { campaignId: campaign.id, amount: 5000, paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds' });
      expect(declined.errors![0].extensions.declineCode).toBe('insufficient_funds');
      // None of them left a pledge.
      expect(await app.sql(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [backer.id])).toEqual([]);
      // A creator cannot back their own campaign: FORBIDDEN.
      expect(errorCode(await pledge(app, creator, { campaignId: campaign.id, amount: 5000 }))).toBe('FORBIDDEN');
    });

    it('keeps one live pledge per backer, and a sold-out tier sold out', async () => {
      const backer = await signUp(app);
      ok(await pledge(app, backer, { campaignId: campaign.id, amount: 5000 }), 'pledge');
      const second = await pledge(app, backer, { campaignId: campaign.id, amount: 6000 });
      expect(errorCode(second)).toBe('CONFLICT');
      expect(second.errors![0].message).toMatch(/updatePledge/);
      const [tier] = campaign.tiers;
      // The tier of 2 is taken up to its limit by whoever comes first.
      const results = await Promise.all([1, 2, 3].map(async () => pledge(app, await signUp(app), { campaignId: campaign.id, amount: 2500, tierId: tier.id })));
      const state = await campaignState(app, campaign.id);
      expect(state.rewardTiers.find((t: { id: string }) => t.id === tier.id)!.remaining).toBe(0);
      const soldOut = results.filter((result) => errorCode(result) === 'CONFLICT');
      expect(soldOut.length).toBeGreaterThanOrEqual(2);
      expect(soldOut[0].errors![0].message).toMatch(/sold out/);
    });

    it('changes tier, amount and card before the deadline, by the backer only, moving units atomically', async () => {
      const live = await liveCampaign(app, creator, { tiers: [{ minimum: 1000, limit: 1 }, { minimum: 2000, limit: 1 }] });
      const [a, b] = live.tiers;
      const backer = await signUp(app);
      const made = ok(await pledge(app, backer, { campaignId: live.id, amount: 1500, tierId: a.id }), 'pledge');
      expect(fieldsOf(await app.gql(UpdatePledgeDocument, { id: made.id, input: { tierId: b.id } }, backer.token))).toEqual(['amount']);
      const moved = ok(await app.gql(UpdatePledgeDocument, { id: made.id, input: { tierId: b.id, amount: 2500, paymentMethodId: 'pm_card_mastercard' } }, backer.token), 'updatePledge');
      expect(moved).toMatchObject({ tier: { id: b.id }, amount: { amount: 2500 }, status: 'PENDING' });
      const tiers = (await campaignState(app, live.id)).rewardTiers;
      expect(tiers.map((t) => t.remaining)).toEqual([1, 0]);
      const [row] = await app.sql(`SELECT payment_method_id FROM funding.pledges WHERE id = $1`, [made.id]);
      expect(row.payment_method_id).toBe('pm_card_mastercard');
      // Another backer takes a, so moving back finds it sold out and changes nothing.
      ok(await pledge(app, await signUp(app), { campaignId: live.id, amount: 1000, tierId: a.id }), 'pledge');
      expect(errorCode(await app.gql(UpdatePledgeDocument, { id: made.id, input: { tierId: a.id } }, backer.token))).toBe('CONFLICT');
      expect((await campaignState(app, live.id)).rewardTiers.map((t) => t.remaining)).toEqual([0, 0]);
      // Dropping the tier gives its unit back.
      ok(await app.gql(UpdatePledgeDocument, { id: made.id, input: { tierId: null } }, backer.token), 'updatePledge');
      expect((await campaignState(app, live.id)).rewardTiers.map((t) => t.remaining)).toEqual([0, 1]);
      expect(errorCode(await app.gql(UpdatePledgeDocument, { id: made.id, input: { amount: 5000 } }, creator.token))).toBe('FORBIDDEN');
      expect(errorCode(await app.gql(UpdatePledgeDocument, { id: made.id, input: { paymentMethodId: 'pm_card_chargeDeclined' } }, backer.token))).toBe('PAYMENT_FAILED');
    });

    it('cancels a PENDING pledge before the deadline and gives its unit back', async () => {
      const live = await liveCampaign(app, creator, { tiers: [{ minimum: 1000, limit: 1 }] });
      const backer = await signUp(app);
      const made = ok(await pledge(app, backer, { campaignId: live.id, amount: 1000, tierId: live.tiers[0].id }), 'pledge');
      expect(errorCode(await app.gql(CancelPledgeStatusDocument, { id: made.id }, creator.token))).toBe('FORBIDDEN');
      const canceled = ok(await app.gql(CancelPledgeStatusDocument, { id: made.id }, backer.token), 'cancelPledge');
      expect(canceled.status).toBe('CANCELED');
      const again = await app.gql(CancelPledgeStatusDocument, { id: made.id }, backer.token);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].message).toBe('Cannot cancel a CANCELED pledge: it was canceled; only a PENDING pledge can be canceled, before the deadline');
      const state = await campaignState(app, live.id, backer.token);
      expect(state).toMatchObject({ backersCount: 0, pledged: { amount: 0 }, rewardTiers: [{ remaining: 1 }] });
      // Backing again after canceling is a new pledge.
      ok(await pledge(app, backer, { campaignId: live.id, amount: 1000, tierId: live.tiers[0].id }), 'pledge');
    });
  });

  describe('reading', () => {
    it('lists myPledges, newest first, with paging', async () => {
      const backer = await signUp(app);
      const campaigns = await Promise.all([1, 2, 3].map(() => liveCampaign(app, creator)));
      for (const c of campaigns) ok(await pledge(app, backer, { campaignId: c.id, amount: 1000 }), 'pledge');
      const first = ok(await app.gql(MyPledgesPageDocument, {}, backer.token), 'myPledges');
      expect(first.totalCount).toBe(3);
      expect(first.edges.map((e: any) => e.node.campaign.id)).toEqual([campaigns[2].id, campaigns[1].id]);
      const second = ok(await app.gql(MyPledgesPageDocument, { after: first.pageInfo.endCursor }, backer.token), 'myPledges');
      expect(second.edges.map((e: any) => e.node.campaign.id)).toEqual([campaigns[0].id]);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect(errorCode(await app.gql(MyPledgesPageDocument, {}))).toBe('UNAUTHENTICATED');
    });

    it('browses campaigns by status, category, creator and title words, with paging; drafts stay private', async () => {
      const maker = await signUpCreator(app);
      const word = `zq${randomUUID().slice(0, 6)}`;
      const a = await liveCampaign(app, maker, { title: `Solar ${word} kettle`, category: 'Kitchen' });
      const b = await liveCampaign(app, maker, { title: `Solar ${word} lamp`, category: 'Lighting' });
      const draft = await createCampaign(app, maker, { title: `Secret ${word} plan`, category: 'Kitchen' });
      const ids = (result: any) => ok(result, 'campaigns').edges.map((e: any) => e.node.id);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { search: word } }))).toEqual([b.id, a.id]);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { search: `${word.toUpperCase()} KETTLE` } }))).toEqual([a.id]);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { search: word, category: ' kitchen ' } }))).toEqual([a.id]);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { creatorId: maker.id } }))).toEqual([b.id, a.id]);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { creatorId: maker.id } }, maker.token))).toEqual([draft.id, b.id, a.id]);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { creatorId: maker.id, status: 'DRAFT' } }))).toEqual([]);
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { creatorId: maker.id, status: 'LIVE', search: 'lamp' } }))).toEqual([b.id]);
      const page = ok(await app.gql(CampaignIdsDocument, { filter: { creatorId: maker.id }, first: 1 }), 'campaigns');
      expect(page).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
      expect(ids(await app.gql(CampaignIdsDocument, { filter: { creatorId: maker.id }, first: 1, after: page.pageInfo.endCursor }))).toEqual([a.id]);
      expect(errorCode(await app.gql(CampaignIdsDocument, { first: 101 }))).toBe('BAD_USER_INPUT');

      expect(ok(await app.gql(CampaignBySlugIdDocument, { s: a.slug }), 'campaignBySlug')).toEqual({ id: a.id });
      expect(ok(await app.gql(CampaignBySlugIdDocument, { s: draft.slug }), 'campaignBySlug')).toBeNull();
      expect(ok(await app.gql(CampaignIdDocument, { id: draft.id }), 'campaign')).toBeNull();
      expect(ok(await app.gql(CampaignIdDocument, { id: draft.id }, maker.token), 'campaign')).toEqual({ id: draft.id });

      // Profile.campaigns and CrowdStats, through community's profile.
      const profile = ok(
        await app.gql(ProfileCampaignsDocument, { h: maker.handle }),
        'profile',
      );
      expect(profile.campaigns.edges.map((e: any) => e.node.id)).toEqual([b.id, a.id]);
      expect(profile.stats).toEqual({ campaignsCreated: 2, campaignsBacked: 0 });
    });

    it('resolves Campaign, Pledge, RewardTier, StretchGoal and CampaignUpdate through node(id), to those who may see them', async () => {
      const live = await liveCampaign(app, creator, { goal: 1000, tiers: [{ minimum: 500 }] });
      const backer = await signUp(app);
      const made = ok(await pledge(app, backer, { campaignId: live.id, amount: 700, tierId: live.tiers[0].id }), 'pledge');
      const goal = ok(
        await app.gql(AddStretchGoalDocument, { id: live.id, input: { title: 'More', description: '', target: 5000 } }, creator.token),
        'addStretchGoal',
      );
      const update = ok(
        await app.gql(PostCampaignUpdateDocument, { id: live.id, input: { title: 'Hello', body: 'World' } }, creator.token),
        'postCampaignUpdate',
      );
      const node = async (id: string, token?: string) => ok(await app.gql(FundingNodeDocument, { id }, token), 'node');
      expect(await node(live.id)).toMatchObject({ __typename: 'Campaign', id: live.id });
      expect(await node(live.tiers[0].id)).toMatchObject({ __typename: 'RewardTier', minimum: { amount: 500 } });
      expect(await node(goal.id)).toMatchObject({ __typename: 'StretchGoal', reached: false });
      expect(await node(update.id)).toMatchObject({ __typename: 'CampaignUpdate', body: 'World' });
      expect(await node(made.id, backer.token)).toMatchObject({ __typename: 'Pledge', amount: { amount: 700 } });
      expect(await node(made.id, creator.token)).toMatchObject({ __typename: 'Pledge' });
      expect(await node(made.id)).toBeNull();
      expect(await node(made.id, (await signUp(app)).token)).toBeNull();
    });

    it("shows a campaign's pledges to its creator and admins only (FORBIDDEN for others), and the viewer's own pledge", async () => {
      const live = await liveCampaign(app, creator);
      const backers = await Promise.all([1, 2].map(() => signUp(app)));
      for (const backer of backers) ok(await pledge(app, backer, { campaignId: live.id, amount: 1000 }), 'pledge');
      const mine = ok(await app.gql(CampaignPledgesDocument, { id: live.id }, creator.token), 'campaign');
      expect(mine.pledges.totalCount).toBe(2);
      expect(mine.pledges.edges.map((e: any) => e.node.backer.id)).toEqual([backers[1].id, backers[0].id]);
      const admin = await signUpAdmin(app);
      expect(ok(await app.gql(CampaignPledgesDocument, { id: live.id }, admin.token), 'campaign').pledges.totalCount).toBe(2);
      const asBacker = await app.gql(CampaignPledgesDocument, { id: live.id }, backers[0].token);
      expect(errorCode(asBacker)).toBe('FORBIDDEN');
      const viewerOnly = ok(await app.gql(CampaignViewerPledgeDocument, { id: live.id }, backers[0].token), 'campaign');
      expect(viewerOnly).toEqual({ backersCount: 2, viewerPledge: { backer: { id: backers[0].id } } });
      expect(errorCode(await app.gql(CampaignPledgesDocument, { id: live.id }))).toBe('UNAUTHENTICATED');
    });

    it('hides the body of backers-only updates from non-backers', async () => {
      const live = await liveCampaign(app, creator);
      const outsider = await signUp(app);
      expect(errorCode(await app.gql(PostCampaignUpdateFullDocument, { id: live.id, input: { title: 'Hi', body: 'x' } }, outsider.token))).toBe('FORBIDDEN');
      const draft = await createCampaign(app, creator);
      const early = await app.gql(PostCampaignUpdateFullDocument, { id: draft.id, input: { title: 'Hi', body: 'x' } }, creator.token);
      expect(errorCode(early)).toBe('CONFLICT');
      expect(early.errors![0].message).toMatch(/launch it first/);
      const pub = ok(await app.gql(PostCampaignUpdateFullDocument, { id: live.id, input: { title: 'Public', body: 'For all' } }, creator.token), 'postCampaignUpdate');
      expect(pub).toMatchObject({ backersOnly: false, body: 'For all', author: { id: creator.id } });
      ok(await app.gql(PostCampaignUpdateFullDocument, { id: live.id, input: { title: 'Secret', body: 'Backers only', backersOnly: true } }, creator.token), 'postCampaignUpdate');
      const backer = await signUp(app);
      ok(await pledge(app, backer, { campaignId: live.id, amount: 1000 }), 'pledge');
      const bodies = async (token?: string) => ok(await app.gql(CampaignUpdatesDocument, { id: live.id }, token), 'campaign').updates.edges.map((e: any) => [e.node.title, e.node.body]);
      expect(await bodies()).toEqual([['Secret', null], ['Public', 'For all']]);
      expect(await bodies(outsider.token)).toEqual([['Secret', null], ['Public', 'For all']]);
      expect(await bodies(backer.token)).toEqual([['Secret', 'Backers only'], ['Public', 'For all']]);
      expect(await bodies(creator.token)).toEqual([['Secret', 'Backers only'], ['Public', 'For all']]);
    });
  });

  describe('campaignProgress subscription', () => {
    it('pushes the campaign, with fresh totals, on every pledge change', async () => {
      const live = await liveCampaign(app, creator, { tiers: [{ minimum: 1000, limit: 3 }] });
      // Returned once the subscription is registered (a probe pledge was pushed), with no events yet.
      const watch = await subscribeToProgress(app, live.id, { document: CampaignProgressTiersDocument });
      const { events } = watch;
      try {
        const backer = await signUp(app);
        const made = ok(await pledge(app, backer, { campaignId: live.id, amount: 1200, tierId: live.tiers[0].id }), 'pledge');
        await eventually(async () => events.length >= 1, 10_000, 'the first progress event');
        expect(events[0]).toEqual({ id: live.id, pledged: { amount: 1200 }, backersCount: 1, rewardTiers: [{ remaining: 2 }] });
        ok(await app.gql(CancelPledgeDocument, { id: made.id }, backer.token), 'cancelPledge');
        await eventually(async () => events.length >= 2, 10_000, 'the second progress event');
        expect(events[1]).toEqual({ id: live.id, pledged: { amount: 0 }, backersCount: 0, rewardTiers: [{ remaining: 3 }] });
        expect(watch.errors).toEqual([]);
      } finally {
        await watch.close();
      }
      const unknown = createClient({ url: `${app.baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      const refused = await new Promise<any>((resolve) => {
        unknown.subscribe(
          { query: print(CampaignProgressIdDocument), variables: { id: 'cmp_01JD0000000000000000000000' } },
          { next: resolve, error: resolve, complete: () => resolve(null) },
        );
      });
      await unknown.dispose();
      expect(JSON.stringify(refused)).toMatch(/NOT_FOUND|was not found/);
    });
  });
});
