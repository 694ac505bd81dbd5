import { randomUUID } from 'node:crypto';
import {
  AddAddOnDocument,
  CampaignAddOnsDocument,
  PledgeWithAddOnsDocument,
  RemoveAddOnDocument,
  UpdateAddOnDocument,
  UpdatePledgeAddOnsDocument,
} from './documents/graphql';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, signUpCreator } from './support/funding-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

const fieldsOf = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) =>
  (result.errors?.[0]?.extensions.fields ?? []).map((field) => field.path);

/**
 * Add-ons (issue 11, part 2): priced items on a pledge, optionally limited and tied to tiers.
 * The amount covers the tier's minimum plus every unit; limits never oversell under
 * concurrency (the same conditional UPDATE and CHECK as tiers); removal is refused while held.
 */
describe('funding: add-ons', () => {
  let app: TestApp;
  let creator: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
  });
  afterAll(() => app?.close());

  const addOn = async (campaignId: string, input: Record<string, unknown> = {}) =>
    ok(await app.gql(AddAddOnDocument, { campaignId, input: { title: 'Stickers', description: 'A sheet', price: 500, ...input } }, creator.token), 'addAddOn');
  const pledgeWith = (backer: SignedUpProfile, input: Record<string, unknown>) =>
    app.gql(PledgeWithAddOnsDocument, { input: { paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), ...input } as never }, backer.token);

  it('never oversells: 50 concurrent pledges on an add-on of 10 take exactly 10 units', async () => {
    const campaign = await liveCampaign(app, creator);
    const limited = await addOn(campaign.id, { limit: 10 });
    const backers = [];
    for (let i = 0; i < 50; i += 10) backers.push(...(await Promise.all(Array.from({ length: 10 }, () => signUp(app)))));
    const results = await Promise.all(backers.map((backer) => pledgeWith(backer, { campaignId: campaign.id, amount: 1500, addOns: [{ addOnId: limited.id, quantity: 1 }] })));
    const accepted = results.filter((result) => !result.errors);
    expect(accepted).toHaveLength(10);
    expect(new Set(results.filter((result) => result.errors).map(errorCode))).toEqual(new Set(['CONFLICT']));
    const [row] = await app.sql(`SELECT claimed FROM funding.add_ons WHERE id = $1`, [limited.id]);
    expect(row.claimed).toBe(10);
    const [lines] = await app.sql(`SELECT count(*)::int AS lines, sum(quantity)::int AS units FROM funding.pledge_add_ons WHERE add_on_id = $1`, [limited.id]);
    expect(lines).toEqual({ lines: 10, units: 10 });
    const seen = ok(await app.gql(CampaignAddOnsDocument, { id: campaign.id }), 'campaign').addOns[0];
    expect(seen).toMatchObject({ limit: 10, remaining: 0, backersCount: 10 });
  }, 120_000);

  it('takes a pledge that covers the tier minimum plus every unit, and says by how much one falls short', async () => {
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 2000 }] });
    const mug = await addOn(campaign.id, { title: 'Mug', price: 1200, maxPerPledge: 3 });
    const backer = await signUp(app);
    const short = await pledgeWith(backer, { campaignId: campaign.id, tierId: campaign.tiers[0].id, amount: 4000, addOns: [{ addOnId: mug.id, quantity: 2 }] });
    expect(errorCode(short)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(short)).toEqual(['amount']);
    expect(short.errors![0].extensions.fields![0].message).toMatch(/2000 plus 2400 for the add-ons, 4400 minor units: it falls short by 400/);
    const made = ok(await pledgeWith(backer, { campaignId: campaign.id, tierId: campaign.tiers[0].id, amount: 4400, addOns: [{ addOnId: mug.id, quantity: 2 }] }), 'pledge');
    expect(made.addOns).toEqual([{ addOn: { id: mug.id }, quantity: 2 }]);

    // updatePledge replaces the add-ons and moves the units.
    const fewer = ok(await app.gql(UpdatePledgeAddOnsDocument, { id: made.id, input: { addOns: [{ addOnId: mug.id, quantity: 1 }] } }, backer.token), 'updatePledge');
    expect(fewer.addOns).toEqual([{ addOn: { id: mug.id }, quantity: 1 }]);
    expect((await app.sql(`SELECT claimed FROM funding.add_ons WHERE id = $1`, [mug.id]))[0].claimed).toBe(1);

    // Held by a live pledge: not removable; once the pledge lets go, it is.
    expect(errorCode(await app.gql(RemoveAddOnDocument, { id: mug.id }, creator.token))).toBe('CONFLICT');
    ok(await app.gql(UpdatePledgeAddOnsDocument, { id: made.id, input: { addOns: [] } }, backer.token), 'updatePledge');
    const removed = ok(await app.gql(RemoveAddOnDocument, { id: mug.id }, creator.token), 'removeAddOn');
    expect(removed.addOns).toEqual([]);
  });

  it('refuses bad add-on lines with BAD_USER_INPUT naming each, and writes nothing', async () => {
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 1000 }, { minimum: 1000 }] });
    const other = await liveCampaign(app, creator);
    const foreign = await addOn(other.id);
    const tiedToFirst = await addOn(campaign.id, { title: 'Tied', tierIds: [campaign.tiers[0].id], maxPerPledge: 2 });
    const backer = await signUp(app);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ addOns: [{ addOnId: foreign.id, quantity: 1 }] }, ['addOns.0.addOnId']],
      [{ tierId: campaign.tiers[1].id, addOns: [{ addOnId: tiedToFirst.id, quantity: 1 }] }, ['addOns.0.addOnId']],
      [{ tierId: campaign.tiers[0].id, addOns: [{ addOnId: tiedToFirst.id, quantity: 3 }] }, ['addOns.0.quantity']],
      [{ tierId: campaign.tiers[0].id, addOns: [{ addOnId: tiedToFirst.id, quantity: 0 }] }, ['addOns.0.quantity']],
      [{ tierId: campaign.tiers[0].id, addOns: [{ addOnId: tiedToFirst.id, quantity: 1 }, { addOnId: tiedToFirst.id, quantity: 1 }] }, ['addOns.1.addOnId']],
    ];
    for (const [input, paths] of cases) {
      const result = await pledgeWith(backer, { campaignId: campaign.id, amount: 9000, ...input });
      expect({ input, code: errorCode(result), paths: fieldsOf(result) }).toEqual({ input, code: 'BAD_USER_INPUT', paths });
    }
    expect(await app.sql(`SELECT 1 FROM funding.pledges WHERE backer_id = $1`, [backer.id])).toHaveLength(0);
    expect((await app.sql(`SELECT claimed FROM funding.add_ons WHERE id = $1`, [tiedToFirst.id]))[0].claimed).toBe(0);
  });

  it('checks the terms: creator only, price, limit, maxPerPledge and tiers of the campaign', async () => {
    const campaign = await liveCampaign(app, creator);
    const stranger = await signUp(app);
    const base = { title: 'Pin', description: 'A pin', price: 300 };
    expect(errorCode(await app.gql(AddAddOnDocument, { campaignId: campaign.id, input: base }, stranger.token))).toBe('FORBIDDEN');
    const bad = await app.gql(AddAddOnDocument, { campaignId: campaign.id, input: { ...base, price: 0, limit: 0, maxPerPledge: 0, tierIds: ['tir_nope'] } }, creator.token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(bad)).toEqual(['price', 'limit', 'maxPerPledge', 'tierIds.0']);
    const pin = await addOn(campaign.id, base);
    const edited = ok(await app.gql(UpdateAddOnDocument, { id: pin.id, input: { ...base, title: 'Gold pin', limit: 5 } }, creator.token), 'updateAddOn');
    expect(edited).toMatchObject({ title: 'Gold pin', limit: 5, remaining: 5, maxPerPledge: 10, tierIds: [] });
  });
});
