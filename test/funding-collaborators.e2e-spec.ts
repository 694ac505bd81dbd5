import {
  AddAddOnDocument,
  AddCollaboratorDocument,
  AddRewardTierDocument,
  AddSecretTierDocument,
  AddStretchGoalDocument,
  CampaignPledgesOfTeamDocument,
  CampaignTeamDocument,
  CampaignTeamReadsDocument,
  CancelCampaignDocument,
  LaunchCampaignStatusDocument,
  MyFollowedCampaignsDocument,
  PledgeNodeDocument,
  PostCampaignUpdateDocument,
  PublishPrelaunchDocument,
  RefundPledgeDocument,
  RemoveCollaboratorDocument,
  UpdateCampaignDocument,
  UpdateRewardTierDocument,
} from './documents/graphql';
import { waitForNotification } from './support/community-fixtures';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, createCampaign, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';

/**
 * Collaborators (issue 11, part 6): the creator adds and removes them with a role; each role
 * may exactly what the permission table says, and every "creator only" rule of funding reads
 * that table. The matrix below runs each action as each role against the real API.
 */
type Role = 'EDITOR' | 'UPDATES' | 'VIEWER';
type Who = Role | 'STRANGER';

const fieldsOf = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) =>
  (result.errors?.[0]?.extensions.fields ?? []).map((field) => field.path);

/** 'ok' or the error code, so a whole row of the matrix compares at once. */
const outcome = (result: GraphQLResponse<unknown>) => (result.errors?.length ? errorCode(result) : 'ok');

describe('funding: collaborators', () => {
  let app: TestApp;
  let creator: SignedUpProfile;
  let team: Record<Role, SignedUpProfile>;
  let stranger: SignedUpProfile;
  let backer: SignedUpProfile;
  let live: { id: string; tierId: string; secretTierId: string; pledgeId: string; backersOnlyUpdateId: string };
  let draftId: string;

  const add = (campaignId: string, profileId: string, role: Role, as = creator) => app.gql(AddCollaboratorDocument, { campaignId, profileId, role }, as.token);

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
    team = { EDITOR: await signUp(app), UPDATES: await signUp(app), VIEWER: await signUp(app) };
    stranger = await signUp(app);
    backer = await signUp(app);

    const campaign = await liveCampaign(app, creator, { tiers: [{ title: 'Public', minimum: 1000 }] });
    const secret = ok(
      await app.gql(AddSecretTierDocument, { campaignId: campaign.id, input: { title: 'Friends', description: 'For the link', minimum: 2000, secret: true } }, creator.token),
      'addRewardTier',
    );
    const made = ok(await pledge(app, backer, { campaignId: campaign.id, amount: 1000, tierId: campaign.tiers[0].id }), 'pledge');
    const update = ok(
      await app.gql(PostCampaignUpdateDocument, { id: campaign.id, input: { title: 'For backers', body: 'The secret plan', backersOnly: true } }, creator.token),
      'postCampaignUpdate',
    );
    live = { id: campaign.id, tierId: campaign.tiers[0].id, secretTierId: secret.id, pledgeId: made.id, backersOnlyUpdateId: update.id };
    draftId = (await createCampaign(app, creator)).id;
    for (const role of ['EDITOR', 'UPDATES', 'VIEWER'] as const) {
      ok(await add(live.id, team[role].id, role), 'addCollaborator');
      ok(await add(draftId, team[role].id, role), 'addCollaborator');
    }
  });
  afterAll(() => app?.close());

  it('tells each collaborator it was added, with its role', async () => {
    for (const role of ['EDITOR', 'UPDATES', 'VIEWER'] as const) {
      const notice = await waitForNotification(app, team[role], 'COLLABORATOR_ADDED', live.id);
      expect(notice.message).toContain(`(${role})`);
    }
  });

  it('lists the team to the creator, collaborators and admins only, and each collaboration to its owner only', async () => {
    const rolesSeenBy = async (viewer?: SignedUpProfile) =>
      ok(await app.gql(CampaignTeamDocument, { id: live.id }, viewer?.token), 'campaign').collaborators.map((c) => `${c.profile.id}:${c.role}`);
    const all = (['EDITOR', 'UPDATES', 'VIEWER'] as const).map((role) => `${team[role].id}:${role}`);
    for (const viewer of [creator, team.EDITOR, team.UPDATES, team.VIEWER, await signUpAdmin(app)]) expect(await rolesSeenBy(viewer)).toEqual(all);
    expect(await rolesSeenBy(stranger)).toEqual([]);
    expect(await rolesSeenBy()).toEqual([]);

    const mine = ok(await app.gql(MyFollowedCampaignsDocument, {}, team.VIEWER.token), 'me');
    expect(mine.collaborations.edges.map((edge) => edge.node.id).sort()).toEqual([live.id, draftId].sort());
    expect(ok(await app.gql(MyFollowedCampaignsDocument, {}, stranger.token), 'me').collaborations.totalCount).toBe(0);
  });

  it('refuses the creator, a collaborator twice and an unknown profile, with fields, and writes nothing', async () => {
    const rows = async () => (await app.sql(`SELECT profile_id, role FROM funding.campaign_collaborators WHERE campaign_id = $1 ORDER BY profile_id`, [live.id])).length;
    const before = await rows();
    const self = await add(live.id, creator.id, 'EDITOR');
    expect({ code: errorCode(self), fields: fieldsOf(self) }).toEqual({ code: 'BAD_USER_INPUT', fields: ['profileId'] });
    const twice = await add(live.id, team.VIEWER.id, 'EDITOR');
    expect({ code: errorCode(twice), fields: fieldsOf(twice) }).toEqual({ code: 'BAD_USER_INPUT', fields: ['profileId'] });
    expect(twice.errors![0].extensions.fields![0].message).toMatch(/already a collaborator of this campaign \(VIEWER\)/);
    expect(errorCode(await add(live.id, 'prf_doesnotexist0000000000', 'VIEWER'))).toBe('NOT_FOUND');
    expect(errorCode(await add(live.id, live.pledgeId, 'VIEWER'))).toBe('NOT_FOUND');
    expect(errorCode(await add(live.pledgeId, stranger.id, 'VIEWER'))).toBe('NOT_FOUND');
    expect(await rows()).toBe(before);
    // The role stayed what it was.
    expect((await app.sql(`SELECT role FROM funding.campaign_collaborators WHERE campaign_id = $1 AND profile_id = $2`, [live.id, team.VIEWER.id]))[0].role).toBe('VIEWER');
  });

  // The collaborator permission matrix: what each role may read and do, as the API answers it.
  const READS: Record<Who, Record<string, boolean>> = {
    EDITOR: { seesDraft: true, seesPledges: true, seesPledgeNode: true, readsBackersOnlyUpdate: true, seesSecretTier: true, seesToken: true },
    UPDATES: { seesDraft: true, seesPledges: true, seesPledgeNode: true, readsBackersOnlyUpdate: true, seesSecretTier: true, seesToken: false },
    VIEWER: { seesDraft: true, seesPledges: true, seesPledgeNode: true, readsBackersOnlyUpdate: true, seesSecretTier: true, seesToken: false },
    STRANGER: { seesDraft: false, seesPledges: false, seesPledgeNode: false, readsBackersOnlyUpdate: false, seesSecretTier: false, seesToken: false },
  };
  const edits = (who: Who) => (who === 'EDITOR' ? 'ok' : 'FORBIDDEN');
  const WRITES: Record<Who, Record<string, string>> = Object.fromEntries(
    (['EDITOR', 'UPDATES', 'VIEWER', 'STRANGER'] as const).map((who) => [
      who,
      {
        updateCampaign: edits(who),
        addRewardTier: edits(who),
        updateRewardTier: edits(who),
        addAddOn: edits(who),
        addStretchGoal: edits(who),
        postCampaignUpdate: who === 'EDITOR' || who === 'UPDATES' ? 'ok' : 'FORBIDDEN',
        launchCampaign: 'FORBIDDEN',
        cancelCampaign: 'FORBIDDEN',
        publishPrelaunch: 'FORBIDDEN',
        addCollaborator: 'FORBIDDEN',
        removeCollaborator: 'FORBIDDEN',
        refundPledge: 'FORBIDDEN',
      },
    ]),
  ) as unknown as Record<Who, Record<string, string>>;

  const profileOf = (who: Who) => (who === 'STRANGER' ? stranger : team[who]);

  it.each(['EDITOR', 'UPDATES', 'VIEWER', 'STRANGER'] as const)('lets %s read exactly what the table says', async (who) => {
    const viewer = profileOf(who);
    const reads = ok(await app.gql(CampaignTeamReadsDocument, { id: live.id }, viewer.token), 'campaign');
    const pledges = await app.gql(CampaignPledgesOfTeamDocument, { id: live.id }, viewer.token);
    const update = reads.updates.edges.find((edge) => edge.node.id === live.backersOnlyUpdateId)!.node;
    expect({
      seesDraft: ok(await app.gql(CampaignTeamDocument, { id: draftId }, viewer.token), 'campaign') !== null,
      seesPledges: outcome(pledges) === 'ok' && pledges.data!.campaign!.pledges.totalCount === 1,
      seesPledgeNode: ok(await app.gql(PledgeNodeDocument, { id: live.pledgeId }, viewer.token), 'node') !== null,
      readsBackersOnlyUpdate: update.body === 'The secret plan',
      seesSecretTier: reads.rewardTiers.some((tier) => tier.id === live.secretTierId),
      seesToken: reads.secretRewardToken !== null,
    }).toEqual(READS[who]);
    if (!READS[who].seesPledges) expect(errorCode(pledges)).toBe('FORBIDDEN');
  });

  it.each(['EDITOR', 'UPDATES', 'VIEWER', 'STRANGER'] as const)('lets %s do exactly what the table says, and nothing more', async (who) => {
    const token = profileOf(who).token;
    const answers = {
      updateCampaign: outcome(await app.gql(UpdateCampaignDocument, { id: live.id, input: { title: `Edited by ${who}` } }, token)),
      addRewardTier: outcome(await app.gql(AddRewardTierDocument, { id: live.id, input: { title: `Tier by ${who}`, description: 'd', minimum: 3000 } }, token)),
      updateRewardTier: outcome(await app.gql(UpdateRewardTierDocument, { id: live.tierId, input: { title: 'Public', description: `by ${who}`, minimum: 1000 } }, token)),
      addAddOn: outcome(await app.gql(AddAddOnDocument, { campaignId: live.id, input: { title: `Add-on by ${who}`, description: 'd', price: 500 } }, token)),
      addStretchGoal: outcome(await app.gql(AddStretchGoalDocument, { id: live.id, input: { title: `Goal by ${who}`, description: 'd', target: 50_000 } }, token)),
      postCampaignUpdate: outcome(await app.gql(PostCampaignUpdateDocument, { id: live.id, input: { title: `News by ${who}`, body: 'b' } }, token)),
      launchCampaign: outcome(await app.gql(LaunchCampaignStatusDocument, { id: draftId }, token)),
      cancelCampaign: outcome(await app.gql(CancelCampaignDocument, { id: live.id }, token)),
      publishPrelaunch: outcome(await app.gql(PublishPrelaunchDocument, { campaignId: draftId }, token)),
      addCollaborator: outcome(await add(live.id, backer.id, 'VIEWER', profileOf(who))),
      removeCollaborator: outcome(await app.gql(RemoveCollaboratorDocument, { campaignId: live.id, profileId: team.VIEWER.id }, token)),
      refundPledge: outcome(await app.gql(RefundPledgeDocument, { id: live.pledgeId }, token)),
    };
    expect(answers).toEqual(WRITES[who]);
    // What was refused left nothing behind: both campaigns as they were, the team whole.
    const [draft] = await app.sql(`SELECT status, prelaunch_at FROM funding.campaigns WHERE id = $1`, [draftId]);
    expect(draft).toEqual({ status: 'DRAFT', prelaunch_at: null });
    const [livePledge] = await app.sql(`SELECT status FROM funding.pledges WHERE id = $1`, [live.pledgeId]);
    expect(livePledge.status).toBe('PENDING');
    const collaborators = await app.sql(`SELECT profile_id FROM funding.campaign_collaborators WHERE campaign_id = $1`, [live.id]);
    expect(collaborators.map((row) => row.profile_id).sort()).toEqual([team.EDITOR.id, team.UPDATES.id, team.VIEWER.id].sort());
    const authored = await app.sql(`SELECT count(*)::int AS n FROM funding.campaign_updates WHERE campaign_id = $1 AND author_id = $2`, [live.id, profileOf(who).id]);
    expect(authored[0].n).toBe(WRITES[who].postCampaignUpdate === 'ok' ? 1 : 0);
  });

  it('lets the creator remove a collaborator, who then sees and does nothing of the team; removing twice is BAD_USER_INPUT', async () => {
    const leaving = await signUp(app);
    ok(await add(draftId, leaving.id, 'EDITOR'), 'addCollaborator');
    expect(ok(await app.gql(CampaignTeamDocument, { id: draftId }, leaving.token), 'campaign')).not.toBeNull();
    const removed = ok(await app.gql(RemoveCollaboratorDocument, { campaignId: draftId, profileId: leaving.id }, creator.token), 'removeCollaborator');
    expect(removed.collaborators.map((c) => c.profile.id)).not.toContain(leaving.id);
    expect(ok(await app.gql(CampaignTeamDocument, { id: draftId }, leaving.token), 'campaign')).toBeNull();
    expect(errorCode(await app.gql(UpdateCampaignDocument, { id: draftId, input: { title: 'Not mine' } }, leaving.token))).toBe('FORBIDDEN');
    const again = await app.gql(RemoveCollaboratorDocument, { campaignId: draftId, profileId: leaving.id }, creator.token);
    expect({ code: errorCode(again), fields: fieldsOf(again) }).toEqual({ code: 'BAD_USER_INPUT', fields: ['profileId'] });
  });
});
