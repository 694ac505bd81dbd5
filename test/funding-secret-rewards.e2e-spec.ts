import {
  AddSecretTierDocument,
  CampaignSecretRewardsDocument,
  RevealSecretRewardsDocument,
  RewardTierNodeDocument,
} from './documents/graphql';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Secret rewards (issue 11, part 4): a secret tier is listed and pledgeable only for the
 * creator, admins and profiles that revealed it with the campaign's token; for anyone else it
 * does not exist, and the token is shown to nobody but the creator.
 */
describe('funding: secret rewards', () => {
  let app: TestApp;
  let creator: SignedUpProfile;
  let campaignId: string;
  let publicTierId: string;
  let secretTierId: string;
  let token: string;

  const tierIdsSeenBy = async (viewer?: SignedUpProfile) =>
    ok(await app.gql(CampaignSecretRewardsDocument, { id: campaignId }, viewer?.token), 'campaign').rewardTiers.map((tier) => tier.id);

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator, { tiers: [{ title: 'Public', minimum: 1000 }] });
    campaignId = campaign.id;
    publicTierId = campaign.tiers[0].id;
    const secret = ok(
      await app.gql(AddSecretTierDocument, { campaignId, input: { title: 'Friends', description: 'For the link', minimum: 2000, secret: true } }, creator.token),
      'addRewardTier',
    );
    expect(secret.secret).toBe(true);
    secretTierId = secret.id;
    token = ok(await app.gql(CampaignSecretRewardsDocument, { id: campaignId }, creator.token), 'campaign').secretRewardToken!;
  });
  afterAll(() => app?.close());

  it('shows the token to the creator only', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stranger = await signUp(app);
    const admin = await signUpAdmin(app);
    for (const viewer of [undefined, stranger, admin]) {
      expect(ok(await app.gql(CampaignSecretRewardsDocument, { id: campaignId }, viewer?.token), 'campaign').secretRewardToken).toBeNull();
    }
  });

  it('lists the secret tier for the creator and admins, not for anonymous or other profiles', async () => {
    expect(await tierIdsSeenBy(creator)).toEqual([publicTierId, secretTierId]);
    expect(await tierIdsSeenBy(await signUpAdmin(app))).toEqual([publicTierId, secretTierId]);
    expect(await tierIdsSeenBy()).toEqual([publicTierId]);
    const stranger = await signUp(app);
    expect(await tierIdsSeenBy(stranger)).toEqual([publicTierId]);
    expect(ok(await app.gql(RewardTierNodeDocument, { id: secretTierId }, stranger.token), 'node')).toBeNull();
    expect(ok(await app.gql(RewardTierNodeDocument, { id: publicTierId }, stranger.token), 'node')).toEqual({ id: publicTierId });
  });

  it('answers a pledge on a secret tier, unrevealed, exactly as one on a tier that does not exist', async () => {
    const backer = await signUp(app);
    const missingTierId = secretTierId.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
    const secretAnswer = await pledge(app, backer, { campaignId, amount: 2000, tierId: secretTierId });
    const missingAnswer = await pledge(app, backer, { campaignId, amount: 2000, tierId: missingTierId });
    expect(errorCode(secretAnswer)).toBe('NOT_FOUND');
    expect(secretAnswer.errors![0].message.replace(secretTierId, '<id>')).toBe(missingAnswer.errors![0].message.replace(missingTierId, '<id>'));
    expect(secretAnswer.errors![0].extensions).toEqual(missingAnswer.errors![0].extensions);
    expect(await app.sql(`SELECT 1 FROM funding.pledges WHERE backer_id = $1`, [backer.id])).toHaveLength(0);
  });

  it('refuses a wrong token with NOT_FOUND and reveals nothing', async () => {
    const guesser = await signUp(app);
    // One character off: its last character changed (to one it is not, or the "guess" would be the token).
    const oneOff = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
    for (const guess of ['', 'wrong', oneOff, `${token}x`]) {
      const result = await app.gql(RevealSecretRewardsDocument, { campaignId, token: guess }, guesser.token);
      expect(errorCode(result)).toBe('NOT_FOUND');
    }
    expect(errorCode(await app.gql(RevealSecretRewardsDocument, { campaignId, token }))).toBe('UNAUTHENTICATED');
    expect(await tierIdsSeenBy(guesser)).toEqual([publicTierId]);
  });

  it('lists the secret tier to a profile that revealed it, from then on, and lets it pledge there', async () => {
    const friend = await signUp(app);
    const revealed = ok(await app.gql(RevealSecretRewardsDocument, { campaignId, token }, friend.token), 'revealSecretRewards');
    expect(revealed.rewardTiers.map((tier) => tier.id)).toEqual([publicTierId, secretTierId]);
    // Revealing twice is harmless.
    ok(await app.gql(RevealSecretRewardsDocument, { campaignId, token }, friend.token), 'revealSecretRewards');
    expect(await tierIdsSeenBy(friend)).toEqual([publicTierId, secretTierId]);
    expect(ok(await app.gql(RewardTierNodeDocument, { id: secretTierId }, friend.token), 'node')).toEqual({ id: secretTierId });
    expect(ok(await app.gql(CampaignSecretRewardsDocument, { id: campaignId }, friend.token), 'campaign').secretRewardToken).toBeNull();
    const made = ok(await pledge(app, friend, { campaignId, amount: 2000, tierId: secretTierId }), 'pledge');
    expect(made.tier).toEqual({ id: secretTierId });
  });
});
