import {
  CampaignTeamDocument,
  FollowCampaignDocument,
  LaunchCampaignStatusDocument,
  MyFollowedCampaignsDocument,
  PostCampaignUpdateDocument,
  PrelaunchCampaignsDocument,
  ProfileFollowedCampaignsDocument,
  PublishPrelaunchDocument,
  UnfollowCampaignDocument,
} from './documents/graphql';
import { notificationsOf, waitForNotification } from './support/community-fixtures';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, createCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Prelaunch pages and followers (issue 11, part 5): the creator publishes a DRAFT's page, the
 * crowd follows it ("notify me"), pledging still waits for the launch, and at launch every
 * follower is told (CAMPAIGN_LAUNCHED); public updates reach them too.
 */
describe('funding: prelaunch pages and followers', () => {
  let app: TestApp;
  let creator: SignedUpProfile;
  let campaign: Awaited<ReturnType<typeof createCampaign>>;
  let followers: SignedUpProfile[];
  let quitter: SignedUpProfile;

  const page = (viewer?: SignedUpProfile) => app.gql(CampaignTeamDocument, { id: campaign.id }, viewer?.token);
  const prelaunchIds = async (filter: Record<string, unknown>, viewer?: SignedUpProfile) =>
    ok(await app.gql(PrelaunchCampaignsDocument, { filter }, viewer?.token), 'campaigns').edges.map((edge) => edge.node.id);

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
    campaign = await createCampaign(app, creator, { title: 'Prelaunch lamp', category: 'Lighting', tiers: [{ title: 'Early bird', minimum: 1500 }] });
    followers = [await signUp(app), await signUp(app)];
    quitter = await signUp(app);
  });
  afterAll(() => app?.close());

  it('keeps an unpublished draft hidden: not listed, not followable', async () => {
    const stranger = await signUp(app);
    expect(ok(await page(stranger), 'campaign')).toBeNull();
    expect(await prelaunchIds({ prelaunch: true }, stranger)).not.toContain(campaign.id);
    expect(errorCode(await app.gql(FollowCampaignDocument, { campaignId: campaign.id }, stranger.token))).toBe('NOT_FOUND');
  });

  it('publishes the page for the creator only, as a visible DRAFT listed among prelaunch pages', async () => {
    const stranger = await signUp(app);
    expect(errorCode(await app.gql(PublishPrelaunchDocument, { campaignId: campaign.id }, stranger.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(PublishPrelaunchDocument, { campaignId: campaign.id }))).toBe('UNAUTHENTICATED');
    const published = ok(await app.gql(PublishPrelaunchDocument, { campaignId: campaign.id }, creator.token), 'publishPrelaunch');
    expect(published.status).toBe('DRAFT');
    expect(published.prelaunchAt).not.toBeNull();
    // Publishing again keeps the first date.
    const again = ok(await app.gql(PublishPrelaunchDocument, { campaignId: campaign.id }, creator.token), 'publishPrelaunch');
    expect(again.prelaunchAt).toBe(published.prelaunchAt);

    const seen = ok(await page(), 'campaign');
    expect(seen).toMatchObject({
      status: 'DRAFT',
      prelaunchAt: published.prelaunchAt,
      title: 'Prelaunch lamp',
      blurb: expect.any(String),
      category: 'Lighting',
      creator: { id: creator.id },
      rewardTiers: [{ id: campaign.tiers[0].id }],
      followersCount: 0,
      viewerIsFollowing: false,
      collaborators: [],
    });
    expect(await prelaunchIds({ prelaunch: true })).toContain(campaign.id);
    expect(await prelaunchIds({ prelaunch: false })).not.toContain(campaign.id);
    expect(await prelaunchIds({ status: 'LIVE' })).not.toContain(campaign.id);
  });

  it('takes followers (once each, never the creator) and shows each its followed campaigns only', async () => {
    for (const follower of [...followers, quitter]) {
      ok(await app.gql(FollowCampaignDocument, { campaignId: campaign.id }, follower.token), 'followCampaign');
    }
    const twice = ok(await app.gql(FollowCampaignDocument, { campaignId: campaign.id }, followers[0].token), 'followCampaign');
    expect(twice).toMatchObject({ followersCount: 3, viewerIsFollowing: true });
    const left = ok(await app.gql(UnfollowCampaignDocument, { campaignId: campaign.id }, quitter.token), 'unfollowCampaign');
    expect(left).toMatchObject({ followersCount: 2, viewerIsFollowing: false });

    const own = await app.gql(FollowCampaignDocument, { campaignId: campaign.id }, creator.token);
    expect(errorCode(own)).toBe('BAD_USER_INPUT');
    expect(own.errors![0].extensions.fields).toEqual([{ path: 'campaignId', message: expect.stringContaining('your own campaign') }]);
    expect(errorCode(await app.gql(FollowCampaignDocument, { campaignId: campaign.id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.gql(FollowCampaignDocument, { campaignId: creator.id }, followers[0].token))).toBe('NOT_FOUND');
    expect(ok(await page(), 'campaign')).toMatchObject({ followersCount: 2, viewerIsFollowing: false });

    const mine = ok(await app.gql(MyFollowedCampaignsDocument, {}, followers[1].token), 'me');
    expect(mine.followedCampaigns.edges.map((edge) => edge.node.id)).toEqual([campaign.id]);
    // Another profile's followed campaigns are its own business.
    const theirs = ok(await app.gql(ProfileFollowedCampaignsDocument, { handle: followers[1].handle }, followers[0].token), 'profile');
    expect(theirs.followedCampaigns).toEqual({ totalCount: 0, edges: [] });
  });

  it('still refuses pledges before the launch (CONFLICT), writing nothing', async () => {
    const result = await pledge(app, followers[0], { campaignId: campaign.id, amount: 1500, tierId: campaign.tiers[0].id });
    expect(errorCode(result)).toBe('CONFLICT');
    expect(await app.sql(`SELECT 1 FROM funding.pledges WHERE campaign_id = $1`, [campaign.id])).toHaveLength(0);
  });

  it('tells every follower at launch (CAMPAIGN_LAUNCHED), not those who left nor the creator; a public update reaches them too', async () => {
    ok(await app.gql(LaunchCampaignStatusDocument, { id: campaign.id }, creator.token), 'launchCampaign');
    for (const follower of followers) {
      const notice = await waitForNotification(app, follower, 'CAMPAIGN_LAUNCHED', campaign.id);
      expect(notice.message).toContain('Prelaunch lamp');
    }
    expect(errorCode(await app.gql(PublishPrelaunchDocument, { campaignId: campaign.id }, creator.token))).toBe('CONFLICT');

    const update = ok(
      await app.gql(PostCampaignUpdateDocument, { id: campaign.id, input: { title: 'We are live', body: 'Thanks for waiting' } }, creator.token),
      'postCampaignUpdate',
    );
    for (const follower of followers) await waitForNotification(app, follower, 'UPDATE_POSTED', update.id);
    // The launch notice reached all its recipients at once (one audience, resolved at delivery): the followers have it, so would these.
    for (const outsider of [quitter, creator]) {
      expect((await notificationsOf(app, outsider)).filter((n) => n.kind === 'CAMPAIGN_LAUNCHED')).toEqual([]);
    }
  });
});
