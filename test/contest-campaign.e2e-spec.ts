/**
 * Campaign-linked contests: a creator runs a design contest for their own campaign
 * (createContest with campaignId), the contest names its campaign and the campaign lists its
 * contests; nobody else may link a contest to it, and nothing is written when they try.
 */
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, createCampaign, liveCampaign, ok, signUpCreator } from './support/funding-fixtures';
import { CONTEST_TEST_ENV, createContestRequest, openContest } from './support/contest-fixtures';

const LINKED = `query($contestId: ID!, $campaignId: ID!) {
  contest(id: $contestId) { id campaign { id title creator { id } } }
  campaign(id: $campaignId) { id contests { id status holder { id } } }
}`;

describe('contests linked to a campaign', () => {
  let app: TestApp;
  let creator: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV });
    creator = await signUpCreator(app);
  });
  afterAll(() => app.close());

  const contestsOf = (campaignId: string) => app.sql(`SELECT id FROM contest.contests WHERE campaign_id = $1 ORDER BY id`, [campaignId]);

  it("links a contest to its creator's campaign: the contest names the campaign, the campaign lists the contest (a draft for its holder only)", async () => {
    const campaign = await liveCampaign(app, creator);
    const draft = ok(await createContestRequest(app, creator, { campaignId: campaign.id }), 'createContest');
    const opened = await openContest(app, creator, { campaignId: campaign.id });

    const asCreator = await app.gql(LINKED, { contestId: draft.id, campaignId: campaign.id }, creator.token);
    expect(asCreator.errors).toBeUndefined();
    expect(asCreator.data!.contest.campaign).toEqual({ id: campaign.id, title: campaign.title, creator: { id: creator.id } });
    expect(asCreator.data!.campaign.contests.map((c: { id: string }) => c.id)).toEqual([draft.id, opened.id].sort());

    const stranger = await signUp(app);
    const asStranger = await app.gql(LINKED, { contestId: opened.id, campaignId: campaign.id }, stranger.token);
    expect(asStranger.data!.contest.campaign.id).toBe(campaign.id);
    expect(asStranger.data!.campaign.contests).toEqual([{ id: opened.id, status: 'OPEN', holder: { id: creator.id } }]);
    const anonymous = await app.gql(LINKED, { contestId: opened.id, campaignId: campaign.id });
    expect(anonymous.data!.campaign.contests.map((c: { id: string }) => c.id)).toEqual([opened.id]);
  });

  it('a contest without a campaign names none, and a campaign without contests lists none', async () => {
    const campaign = await liveCampaign(app, creator);
    const contest = await openContest(app, creator);
    const result = await app.gql(LINKED, { contestId: contest.id, campaignId: campaign.id });
    expect(result.data).toEqual({ contest: { id: contest.id, campaign: null }, campaign: { id: campaign.id, contests: [] } });
  });

  it("refuses a contest for someone else's campaign (FORBIDDEN), an unknown or wrong-typed id and someone else's draft (NOT_FOUND), writing nothing", async () => {
    const campaign = await liveCampaign(app, creator);
    const otherDraft = await createCampaign(app, await signUpCreator(app));
    const intruder = await signUp(app);

    expect(errorCode(await createContestRequest(app, intruder, { campaignId: campaign.id }))).toBe('FORBIDDEN');
    for (const campaignId of ['cmp_unknown', intruder.id, otherDraft.id]) {
      expect([campaignId, errorCode(await createContestRequest(app, creator, { campaignId }))]).toEqual([campaignId, 'NOT_FOUND']);
    }
    // An id longer than any id, or with a NUL byte, is refused as input, as everywhere.
    for (const campaignId of ['x'.repeat(5000), 'cmp_\u0000']) {
      expect(errorCode(await createContestRequest(app, creator, { campaignId }))).toBe('BAD_USER_INPUT');
    }
    expect(await contestsOf(campaign.id)).toEqual([]);
    expect(await contestsOf(otherDraft.id)).toEqual([]);
    expect(await app.sql(`SELECT id FROM contest.contests WHERE holder_id = $1`, [intruder.id])).toEqual([]);
  });

  it('a linked draft contest is its own creator’s even when the campaign is still a draft', async () => {
    const draftCampaign = await createCampaign(app, creator);
    const contest = ok(await createContestRequest(app, creator, { campaignId: draftCampaign.id }), 'createContest');
    expect(await contestsOf(draftCampaign.id)).toEqual([{ id: contest.id }]);
    const stranger = await signUp(app);
    const seen = await app.gql(LINKED, { contestId: contest.id, campaignId: draftCampaign.id }, stranger.token);
    expect(seen.data).toEqual({ contest: null, campaign: null });
  });
});
