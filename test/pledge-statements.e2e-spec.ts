/**
 * A pledge in at most 10 SQL statements (issue 13): the session check, one read of the
 * idempotency key with the backer's provider customer, one read of the campaign with the
 * backer's live pledge and the tier, the sandbox provider's call, and one transaction (the key
 * written completed, the campaign locked with the tier's unit taken and the pledge inserted in
 * one statement, the creator's notice). Nothing read back. The guarantees the leaner path must
 * keep are checked beside the count: replays, a reused key, concurrent requests with one key,
 * a refused request's answer, and a revoked session refused on its very next request.
 */
import { randomUUID } from 'node:crypto';
import { PledgeLeanDocument, SignOutDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, signUpCreator } from './support/funding-fixtures';

const MAX_PLEDGE_STATEMENTS = 10;

describe('a lean pledge', () => {
  let app: TestApp;
  let creator: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
  });
  afterAll(() => app?.close());

  const pledgeOn = (backer: SignedUpProfile, input: { campaignId: string; tierId?: string; amount?: number; paymentMethodId?: string; idempotencyKey?: string }) =>
    app.gql(PledgeLeanDocument, { input: { amount: 900, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), ...input } }, backer.token);

  it(`takes a returning backer's pledge on a limited tier in at most ${MAX_PLEDGE_STATEMENTS} SQL statements, and replays it`, async () => {
    const backer = await signUp(app);
    // A returning backer: the provider customer exists (the first pledge ever also creates it).
    const earlier = await liveCampaign(app, creator);
    ok(await pledgeOn(backer, { campaignId: earlier.id }), 'pledge');
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 500, limit: 3 }] });
    const idempotencyKey = randomUUID();

    const made = await pledgeOn(backer, { campaignId: campaign.id, tierId: campaign.tiers[0].id, idempotencyKey });
    const pledge = ok(made, 'pledge');
    expect(pledge).toMatchObject({ status: 'PENDING', amount: { amount: 900, currency: 'EUR' } });
    expect(made.extensions?.sqlStatements).toBeLessThanOrEqual(MAX_PLEDGE_STATEMENTS);

    const replay = await pledgeOn(backer, { campaignId: campaign.id, tierId: campaign.tiers[0].id, idempotencyKey });
    expect(ok(replay, 'pledge')).toEqual(pledge);
    const reused = await pledgeOn(backer, { campaignId: campaign.id, tierId: campaign.tiers[0].id, amount: 1000, idempotencyKey });
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');

    const [tier] = await app.sql(`SELECT claimed FROM funding.reward_tiers WHERE id = $1`, [campaign.tiers[0].id]);
    expect(tier.claimed).toBe(1);
    const [key] = await app.sql(`SELECT state, response FROM payments.idempotency_keys WHERE profile_id = $1 AND key = $2`, [backer.id, idempotencyKey]);
    expect(key).toEqual({ state: 'completed', response: { pledgeId: pledge.id } });
    console.log(
      `pledge: ${made.extensions?.sqlStatements} SQL statements (at most ${MAX_PLEDGE_STATEMENTS}); its replay ${replay.extensions?.sqlStatements}`,
    );
  });

  it('makes one pledge and takes one unit from concurrent requests with one key, each answered with it', async () => {
    const backer = await signUp(app);
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 500, limit: 5 }] });
    const idempotencyKey = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => pledgeOn(backer, { campaignId: campaign.id, tierId: campaign.tiers[0].id, idempotencyKey })),
    );
    const ids = new Set(results.map((result) => ok(result, 'pledge').id));
    expect(ids.size).toBe(1);
    expect(await app.sql(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [backer.id])).toEqual([{ id: [...ids][0] }]);
    const [tier] = await app.sql(`SELECT claimed FROM funding.reward_tiers WHERE id = $1`, [campaign.tiers[0].id]);
    expect(tier.claimed).toBe(1);
  });

  it('stores a refusal as the answer to its key: a replay is refused the same way even once the refusal no longer holds', async () => {
    const [first, second] = [await signUp(app), await signUp(app)];
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 500, limit: 1 }] });
    ok(await pledgeOn(first, { campaignId: campaign.id, tierId: campaign.tiers[0].id }), 'pledge');
    const idempotencyKey = randomUUID();
    const soldOut = await pledgeOn(second, { campaignId: campaign.id, tierId: campaign.tiers[0].id, idempotencyKey });
    expect(errorCode(soldOut)).toBe('CONFLICT');
    await app.sql(`UPDATE funding.reward_tiers SET quantity_limit = 2 WHERE id = $1`, [campaign.tiers[0].id]);
    const replay = await pledgeOn(second, { campaignId: campaign.id, tierId: campaign.tiers[0].id, idempotencyKey });
    expect(replay.errors?.[0]).toMatchObject({ message: soldOut.errors![0].message, extensions: { code: 'CONFLICT' } });
    expect(await app.sql(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [second.id])).toEqual([]);
  });

  it('refuses a signed-out session on its very next pledge', async () => {
    const backer = await signUp(app);
    const campaign = await liveCampaign(app, creator);
    expect(ok(await app.gql(SignOutDocument, {}, backer.token), 'signOut')).toBe(true);
    const refused = await pledgeOn(backer, { campaignId: campaign.id });
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(await app.sql(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [backer.id])).toEqual([]);
  });
});
