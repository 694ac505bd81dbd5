/**
 * No resolver issues a query per parent: a page of a list costs the same number of SQL
 * statements whether it holds 2 items or 12, nested fields included (DataLoaders batch them).
 */
import { CampaignPageDocument, PostCampaignUpdateDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';

describe('query cost', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    const backer = await signUp(app);
    for (let i = 0; i < 12; i++) {
      const creator = await signUpCreator(app);
      const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 500, limit: 10 }, { minimum: 2000 }] });
      ok(await pledge(app, backer, { campaignId: campaign.id, amount: 900, tierId: campaign.tiers[0].id }), 'pledge');
      ok(
        await app.gql(PostCampaignUpdateDocument, { id: campaign.id, input: { title: 'News', body: 'Shipping soon' } }, creator.token),
        'postCampaignUpdate',
      );
    }
  });
  afterAll(() => app.close());

  it('answers a campaigns page in a constant number of SQL statements, whatever its size', async () => {
    const viewer = await signUp(app);
    const small = await app.gql(CampaignPageDocument, { first: 2 }, viewer.token);
    const large = await app.gql(CampaignPageDocument, { first: 12 }, viewer.token);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.campaigns.edges).toHaveLength(12);
    expect(large.data!.campaigns.edges[0].node.rewardTiers).toHaveLength(2);
    expect(small.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    console.log(`campaign page: ${small.extensions?.sqlStatements} statements for 2 items, ${large.extensions?.sqlStatements} for 12`);
  });
});
