/**
 * A profile page (its crowd stats, a page of its campaigns, a page of its entries, and the
 * viewer's notifications) costs the same number of SQL statements for 2 items of each as for
 * 20: stats, pages and every nested field are batched by DataLoaders.
 */
import { ProfilePageDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, signUpCreator } from './support/funding-fixtures';
import { picture } from './support/files-fixtures';
import { eventually } from './support/payments-fixtures';
import { CONTEST_TEST_ENV, holderAction, openContest, submitPicture } from './support/contest-fixtures';
import type { SignedUpProfile } from './support/fixtures';

const ITEMS = 20;

describe('profile page query cost', () => {
  let app: TestApp;
  let profile: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV });
    profile = await signUpCreator(app);
    const holder = await signUp(app);
    // Entries in two contests, one of them blind; each rating tells the designer (a notification each).
    const contests = [await openContest(app, holder), await openContest(app, holder, { blind: true })];
    const bytes = await picture(200, 150, 1);
    for (let batch = 0; batch < ITEMS / 5; batch++) {
      await Promise.all(
        Array.from({ length: 5 }, async (_, index) => {
          await liveCampaign(app, profile);
          const entry = await submitPicture(app, profile, contests[index % 2].id, bytes);
          ok(await holderAction(app, holder, 'rateEntry(id: $id, stars: $stars) { id }', { id: entry.id, stars: 1 + (index % 5) }), 'rateEntry');
        }),
      );
    }
    await eventually(async () => {
      const [{ n }] = await app.sql(`SELECT count(*)::int AS n FROM community.notifications WHERE recipient_id = $1`, [profile.id]);
      return n >= ITEMS || null;
    }, 30_000, `${ITEMS} notifications`);
  }, 180_000);
  afterAll(() => app.close());

  it(`answers a profile page of 2 items and of ${ITEMS} in the same number of statements`, async () => {
    const small = await app.gql(ProfilePageDocument, { handle: profile.handle, first: 2 }, profile.token);
    const large = await app.gql(ProfilePageDocument, { handle: profile.handle, first: ITEMS }, profile.token);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    const page = large.data!.profile!;
    expect(page.campaigns.edges).toHaveLength(ITEMS);
    expect(page.entries.edges).toHaveLength(ITEMS);
    expect(large.data!.notifications.edges).toHaveLength(ITEMS);
    expect(small.data!.profile!.entries.edges).toHaveLength(2);
    expect(page.stats).toMatchObject({ campaignsCreated: ITEMS, entriesSubmitted: ITEMS });
    expect(new Set(large.data!.notifications.edges.map((edge) => edge.node.kind))).toEqual(new Set(['ENTRY_RATED']));
    expect(small.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    console.log(`profile page: ${small.extensions?.sqlStatements} statements for 2 items of each, ${large.extensions?.sqlStatements} for ${ITEMS}`);
  });
});
