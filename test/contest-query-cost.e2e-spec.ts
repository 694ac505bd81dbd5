/**
 * A contest page costs the same number of SQL statements with 50 entries as with 5: designer,
 * current revision, assets, rating and similarTo are all batched by DataLoaders.
 */
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { ok } from './support/funding-fixtures';
import { picture, uploaded } from './support/files-fixtures';
import { CONTEST_TEST_ENV, openContest, submitEntryRequest } from './support/contest-fixtures';

const CONTEST_PAGE = `query($id: ID!, $first: Int!) {
  contest(id: $id) {
    id title entriesCount designersCount prize { formatted } holder { handle }
    entries(first: $first) { totalCount edges { node {
      id number status rating title
      designer { handle stats { entriesSubmitted contestsWon } }
      currentRevision { revision assets { id url thumbnailUrl width height } }
      revisions { revision }
      similarTo { entry { id number } distance }
    } } }
  }
}`;

describe('contest query cost', () => {
  let app: TestApp;
  let holder: SignedUpProfile;
  let contestId: string;

  beforeAll(async () => {
    app = await createTestApp(CONTEST_TEST_ENV);
    holder = await signUp(app);
    contestId = (await openContest(app, holder)).id;
    const bytes = await picture(200, 150, 1);
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const designer = await signUp(app);
          ok(await submitEntryRequest(app, designer, contestId, [await uploaded(app, designer, bytes, 'image/png')]), 'submitEntry');
        }),
      );
    }
  }, 180_000);
  afterAll(() => app.close());

  it('answers a page of 50 entries in the same number of statements as a page of 5', async () => {
    const small = await app.gql(CONTEST_PAGE, { id: contestId, first: 5 }, holder.token);
    const large = await app.gql(CONTEST_PAGE, { id: contestId, first: 50 }, holder.token);
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.contest.entries.edges).toHaveLength(50);
    // Every entry is the same picture: each one after the first is flagged as like the earlier ones.
    expect(large.data!.contest.entries.edges[0].node.similarTo.length).toBeGreaterThan(0);
    expect(small.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    console.log(`contest page: ${small.extensions?.sqlStatements} statements for 5 entries, ${large.extensions?.sqlStatements} for 50`);
  });
});
