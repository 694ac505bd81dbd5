/**
 * The expectations of the authorization matrix (test/authorization-matrix.e2e-spec.ts): for every
 * root field of schema.gql (and the object fields that carry their own visibility rule), which
 * actors of the scene may use it. The test walks the schema and fails on a field without an entry
 * here, and on an entry for a field the schema no longer has: a new field needs its rule written down.
 *
 * "owner" is the owner of the object at hand: the pledge, comment or entry the field is called on,
 * or the profile itself. The other actors have exactly the relation their name says, and no other:
 * "backer" backs the scene's campaign (with a pledge that is not the one at hand), "designer" and
 * "finalist" have entries in the scene's contest (not the one at hand), "creator" made the campaign,
 * "holder" holds the contests, "editor"/"updates"/"viewer" are its collaborators with that role.
 */
import { randomUUID } from 'node:crypto';
import type { SignedUpProfile } from './fixtures';

export const ACTORS = ['anonymous', 'member', 'owner', 'creator', 'editor', 'updates', 'viewer', 'holder', 'designer', 'finalist', 'backer', 'analyst', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

const SIGNED_IN: readonly Actor[] = ACTORS.filter((actor) => actor !== 'anonymous');
const CAMPAIGN_TEAM: readonly Actor[] = ['creator', 'editor', 'updates', 'viewer'];

/** What the scene built (test/authorization-matrix.e2e-spec.ts), by the names the fixtures below use. */
export interface Scene {
  actors: Record<Exclude<Actor, 'anonymous'>, SignedUpProfile>;
  campaign: { id: string; tierId: string; secretTierId: string; addOnId: string; secretRewardToken: string; backersOnlyUpdateId: string };
  draftCampaign: { id: string; slug: string; stretchGoalId: string; addOnId: string };
  /** The owner's own things that nobody else has a reason to see. */
  ownerNotificationId: string;
  ownerPayoutAccountId: string;
  /** An entry of the owner in a blind contest of the holder. */
  blindEntryId: string;
  ownerPledgeId: string;
  /** A COLLECTED pledge of the owner (on a FLEXIBLE campaign), for refunds. */
  ownerCollectedPledgeId: string;
  ownerCommentId: string;
  /** In its final round: the owner's and the finalist's entries are finalists, the designer's is not. */
  contest: { id: string; ownerEntryId: string; finalistEntryId: string; designerEntryId: string; pollId: string };
  /** In its qualifying round, for entries submitted, withdrawn and eliminated. */
  openContest: { id: string };
  /** A draft contest of the holder, hidden from the crowd. */
  draftContestId: string;
  /** The contest that goes through finalists, winner and handover (the owner's entry wins). */
  handoverContest: { id: string; ownerEntryId: string; ownerDeliveryAssetId: string };
  /** Profiles no actor has a relation with, for roles and collaborators. */
  bystanderId: string;
  /** Builders of objects that a field destroys or changes for good, one per actor that calls it. */
  make: {
    comment(): Promise<string>;
    tier(): Promise<string>;
    addOn(): Promise<string>;
    liveCampaign(): Promise<string>;
    draftCampaign(): Promise<string>;
    pledge(): Promise<string>;
    openContest(): Promise<string>;
    draftContest(): Promise<string>;
    entry(): Promise<string>;
    collaborator(): Promise<string>;
    asset(actor: Actor): Promise<string>;
    /** A second session of the actor (anonymous: one more of the owner's), so refreshing and signing out spoil nothing else. */
    session(actor: Actor): Promise<{ token?: string; refreshToken: string }>;
  };
}

export interface Call {
  /** Variables by argument name; arguments the entry does not give are filled from ARGUMENT_DEFAULTS. */
  variables?: Record<string, unknown>;
  /** A token other than the actor's own (a fresh session); undefined for anonymous. */
  token?: string;
}

export interface RootFieldExpectation {
  allow: readonly Actor[];
  /** The call for this actor; each actor's call is built just before it runs. */
  call?: (scene: Scene, actor: Actor, object: string) => Call | Promise<Call>;
  /**
   * The object at hand, for a field that changes it for good (deletes, launches, cancels): the
   * actors expected to be denied share one, each allowed actor gets its own, so the first allowed
   * call leaves the next one something to act on.
   */
  object?: (scene: Scene) => Promise<string>;
  /**
   * For a field that answers without an error but ignores what is not the caller's (ids of
   * others' notifications): whether the answer shows the call took effect. False counts as denied.
   */
  granted?: (value: any) => boolean;
  /**
   * When it runs: 0 reads, 1 mutations (the default for them), higher for fields that change the
   * scene for good. Within a field, the actors expected to be denied run first, then the allowed
   * ones: a refused call changes nothing, so the object at hand stays fit for the allowed.
   */
  phase?: number;
}

/** Arguments that mean the same object wherever they appear. */
export const ARGUMENT_DEFAULTS: Record<string, (scene: Scene) => unknown> = {
  campaignId: (scene) => scene.campaign.id,
  contestId: (scene) => scene.contest.id,
  profileId: (scene) => scene.actors.owner.id,
  pollId: (scene) => scene.contest.pollId,
  entryId: (scene) => scene.contest.ownerEntryId,
};

const vars = (variables: Record<string, unknown>) => (): Call => ({ variables });
const future = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

export const ROOT_FIELDS: Record<string, RootFieldExpectation> = {
  // ------------------------------------------------------------------ reads
  'Query.node': { allow: ['owner', ...CAMPAIGN_TEAM, 'admin'], call: (s) => ({ variables: { id: s.ownerPledgeId } }), phase: 0 },
  'Query.me': { allow: SIGNED_IN, phase: 0 },
  'Query.profile': { allow: ACTORS, call: (s) => ({ variables: { handle: s.actors.owner.handle } }), phase: 0 },
  'Query.campaign': { allow: [...CAMPAIGN_TEAM, 'admin'], call: (s) => ({ variables: { id: s.draftCampaign.id } }), phase: 0 },
  'Query.campaignBySlug': { allow: [...CAMPAIGN_TEAM, 'admin'], call: (s) => ({ variables: { slug: s.draftCampaign.slug } }), phase: 0 },
  'Query.campaigns': { allow: ACTORS, phase: 0 },
  'Query.myPledges': { allow: SIGNED_IN, phase: 0 },
  'Query.contest': { allow: ['holder', 'admin'], call: (s) => ({ variables: { id: s.draftContestId } }), phase: 0 },
  'Query.contests': { allow: ACTORS, phase: 0 },
  // An entry of a blind contest: its designer, the holder and admins, until the contest ends.
  'Query.entry': { allow: ['owner', 'holder', 'admin'], call: (s) => ({ variables: { id: s.blindEntryId } }), phase: 0 },
  'Query.notifications': { allow: SIGNED_IN, phase: 0 },
  'Query.notificationSettings': { allow: SIGNED_IN, phase: 0 },
  'Query.myPayouts': { allow: SIGNED_IN, phase: 0 },
  'Query.analytics': { allow: ['analyst', 'admin'], phase: 0 },
  'Query.ledgerBalances': { allow: ['analyst', 'admin'], call: vars({ currency: 'EUR' }), phase: 0 },
  'Query.ledgerCheck': { allow: ['analyst', 'admin'], phase: 0 },

  // ------------------------------------------------------------------ community
  'Mutation.signUp': {
    allow: ACTORS,
    call: () => {
      const handle = `mx_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      return { variables: { input: { email: `${handle}@example.com`, password: 'correct horse battery staple', handle, displayName: handle } } };
    },
  },
  'Mutation.signIn': { allow: ACTORS, call: (s) => ({ variables: { input: { email: s.actors.owner.email, password: s.actors.owner.password } } }) },
  'Mutation.refreshSession': {
    allow: ACTORS,
    call: async (s, actor) => {
      const session = await s.make.session(actor);
      return { variables: { refreshToken: session.refreshToken }, token: actor === 'anonymous' ? undefined : session.token };
    },
  },
  'Mutation.signOut': { allow: SIGNED_IN, call: async (s, actor) => (actor === 'anonymous' ? {} : { token: (await s.make.session(actor)).token }) },
  'Mutation.updateProfile': { allow: SIGNED_IN, call: vars({ input: { bio: 'Edited by the authorization matrix' } }) },
  'Mutation.follow': { allow: SIGNED_IN },
  'Mutation.unfollow': { allow: SIGNED_IN },
  // On a draft: only those who see the draft may comment on it; for anyone else it does not exist.
  'Mutation.addComment': { allow: [...CAMPAIGN_TEAM, 'admin'], call: (s) => ({ variables: { input: { subjectId: s.draftCampaign.id, body: 'A comment' } } }) },
  'Mutation.deleteComment': { allow: ['owner', 'admin'], object: (s) => s.make.comment(), call: (s, actor, id) => ({ variables: { id } }) },
  // With the owner's notification's id: everyone else's call changes nothing (0), the owner's marks it.
  'Mutation.markNotificationsRead': { allow: ['owner'], call: (s) => ({ variables: { ids: [s.ownerNotificationId] } }), granted: (changed: number) => changed > 0 },
  'Mutation.grantRole': { allow: ['admin'], call: (s) => ({ variables: { profileId: s.bystanderId, role: 'ANALYST' } }) },
  'Mutation.revokeRole': { allow: ['admin'], call: (s) => ({ variables: { profileId: s.bystanderId, role: 'ANALYST' } }), phase: 2 },
  'Mutation.requestEmailVerification': { allow: SIGNED_IN },
  // A token no link ever carried: refused for everyone by its rule (BAD_USER_INPUT), never by who asks.
  'Mutation.verifyEmail': { allow: ACTORS, call: vars({ token: 'not-a-token-of-any-link' }) },
  'Mutation.requestPasswordReset': { allow: ACTORS, call: (s) => ({ variables: { email: s.actors.member.email } }) },
  'Mutation.resetPassword': { allow: ACTORS, call: vars({ token: 'not-a-token-of-any-link', newPassword: 'a new long passphrase' }) },
  'Mutation.updateNotificationSettings': { allow: SIGNED_IN, call: vars({ emailKinds: ['PLEDGE_RECEIVED'] }) },

  // ------------------------------------------------------------------ funding
  'Mutation.createCampaign': {
    allow: SIGNED_IN,
    call: () => ({
      variables: { input: { title: 'Matrix lamp', blurb: 'A lamp', description: 'Long story', category: 'Design', goal: { amount: 10_000, currency: 'EUR' }, deadline: future(600) } },
    }),
  },
  'Mutation.updateCampaign': { allow: ['creator', 'editor'], call: (s) => ({ variables: { id: s.campaign.id, input: { blurb: 'A lamp, edited' } } }) },
  'Mutation.addRewardTier': { allow: ['creator', 'editor'], call: vars({ input: { title: 'Extra', description: 'A reward', minimum: 3000 } }) },
  'Mutation.updateRewardTier': { allow: ['creator', 'editor'], call: (s) => ({ variables: { id: s.campaign.tierId, input: { title: 'Early bird', description: 'A reward', minimum: 1000 } } }) },
  'Mutation.removeRewardTier': { allow: ['creator', 'editor'], object: (s) => s.make.tier(), call: (s, actor, id) => ({ variables: { id } }) },
  'Mutation.addStretchGoal': { allow: ['creator', 'editor'], call: vars({ input: { title: 'Blue', description: 'A colour', target: 50_000 } }) },
  'Mutation.addAddOn': { allow: ['creator', 'editor'], call: vars({ input: { title: 'Bulb', description: 'A spare bulb', price: 500 } }) },
  'Mutation.updateAddOn': { allow: ['creator', 'editor'], call: (s) => ({ variables: { id: s.campaign.addOnId, input: { title: 'Stand', description: 'A stand', price: 800 } } }) },
  'Mutation.removeAddOn': { allow: ['creator', 'editor'], object: (s) => s.make.addOn(), call: (s, actor, id) => ({ variables: { id } }) },
  'Mutation.launchCampaign': { allow: ['creator'], object: (s) => s.make.draftCampaign(), call: (s, actor, id) => ({ variables: { id } }) },
  'Mutation.publishPrelaunch': { allow: ['creator'], object: (s) => s.make.draftCampaign(), call: (s, actor, campaignId) => ({ variables: { campaignId } }) },
  'Mutation.cancelCampaign': { allow: ['creator'], object: (s) => s.make.liveCampaign(), call: (s, actor, id) => ({ variables: { id } }) },
  // A draft whose prelaunch page is not published: hidden from the crowd, so not followable.
  'Mutation.followCampaign': { allow: [...CAMPAIGN_TEAM, 'admin'], call: (s) => ({ variables: { campaignId: s.draftCampaign.id } }) },
  'Mutation.unfollowCampaign': { allow: [...CAMPAIGN_TEAM, 'admin'], call: (s) => ({ variables: { campaignId: s.draftCampaign.id } }) },
  'Mutation.revealSecretRewards': { allow: SIGNED_IN, call: (s) => ({ variables: { campaignId: s.campaign.id, token: s.campaign.secretRewardToken } }) },
  'Mutation.addCollaborator': { allow: ['creator'], call: (s) => ({ variables: { campaignId: s.campaign.id, profileId: s.bystanderId, role: 'VIEWER' } }) },
  'Mutation.removeCollaborator': { allow: ['creator'], object: (s) => s.make.collaborator(), call: (s, actor, profileId) => ({ variables: { campaignId: s.campaign.id, profileId } }) },
  'Mutation.postCampaignUpdate': { allow: ['creator', 'editor', 'updates'], call: vars({ input: { title: 'News', body: 'We are on track' } }) },
  // A creator may not back its own campaign (FORBIDDEN); its collaborators may.
  'Mutation.pledge': {
    allow: SIGNED_IN.filter((actor) => actor !== 'creator'),
    call: (s) => ({ variables: { input: { campaignId: s.campaign.id, tierId: s.campaign.tierId, amount: 1000, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID() } } }),
  },
  'Mutation.updatePledge': { allow: ['owner'], call: (s) => ({ variables: { id: s.ownerPledgeId, input: { amount: 1700 } } }) },
  'Mutation.cancelPledge': { allow: ['owner'], object: (s) => s.make.pledge(), call: (s, actor, id) => ({ variables: { id } }) },
  'Mutation.retryPledgePayment': { allow: ['owner'], call: (s) => ({ variables: { id: s.ownerPledgeId, paymentMethodId: 'pm_card_visa' } }) },
  'Mutation.refundPledge': { allow: ['admin'], call: (s) => ({ variables: { id: s.ownerCollectedPledgeId } }) },

  // ------------------------------------------------------------------ contests and files
  'Mutation.createUpload': { allow: SIGNED_IN, call: vars({ input: { filename: 'logo.png', contentType: 'image/png', byteSize: 1000 } }) },
  'Mutation.createContest': {
    allow: SIGNED_IN,
    call: () => ({ variables: { input: { title: 'Matrix logo', brief: 'A logo for a lamp', category: 'Logo', prize: { amount: 30_000, currency: 'EUR' } } } }),
  },
  'Mutation.openContest': {
    allow: ['holder'],
    object: (s) => s.make.draftContest(),
    call: (s, actor, contestId) => ({ variables: { input: { contestId, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID() } } }),
  },
  'Mutation.cancelContest': { allow: ['holder'], object: (s) => s.make.openContest(), call: (s, actor, id) => ({ variables: { id } }) },
  // The holder may not enter its own contest.
  'Mutation.submitEntry': {
    allow: SIGNED_IN.filter((actor) => actor !== 'holder'),
    call: async (s, actor) => ({ variables: { input: { contestId: s.openContest.id, title: 'Matrix entry', assetIds: [await s.make.asset(actor)] } } }),
  },
  'Mutation.reviseEntry': {
    allow: ['owner'],
    call: async (s, actor) => ({ variables: { input: { entryId: s.contest.ownerEntryId, assetIds: [await s.make.asset(actor)], note: 'Bolder' } } }),
  },
  'Mutation.withdrawEntry': { allow: ['owner'], object: (s) => s.make.entry(), call: (s, actor, id) => ({ variables: { id } }) },
  'Mutation.rateEntry': { allow: ['holder'], call: (s) => ({ variables: { id: s.contest.ownerEntryId, stars: 4 } }) },
  'Mutation.eliminateEntry': { allow: ['holder'], object: (s) => s.make.entry(), call: (s, actor, id) => ({ variables: { id } }) },
  'Mutation.createPoll': {
    allow: ['holder'],
    call: (s) => ({ variables: { input: { contestId: s.contest.id, question: 'Which one?', entryIds: [s.contest.ownerEntryId, s.contest.finalistEntryId], closesAt: future(3600) } } }),
  },
  // A PUBLIC poll asks every signed-in profile, its holder too.
  'Mutation.vote': { allow: SIGNED_IN },
  // The handover contest, in the order its life goes: finalists, winner, delivery, approval.
  'Mutation.selectFinalists': { allow: ['holder'], call: (s) => ({ variables: { contestId: s.handoverContest.id, entryIds: [s.handoverContest.ownerEntryId] } }), phase: 3 },
  'Mutation.pickWinner': { allow: ['holder'], call: (s) => ({ variables: { contestId: s.handoverContest.id, entryId: s.handoverContest.ownerEntryId } }), phase: 4 },
  'Mutation.deliverHandover': { allow: ['owner'], call: (s) => ({ variables: { contestId: s.handoverContest.id, assetIds: [s.handoverContest.ownerDeliveryAssetId] } }), phase: 5 },
  'Mutation.approveHandover': { allow: ['holder'], call: (s) => ({ variables: { contestId: s.handoverContest.id } }), phase: 6 },

  // ------------------------------------------------------------------ payments
  'Mutation.startPaymentSetup': { allow: SIGNED_IN },
  'Mutation.connectPayoutAccount': { allow: SIGNED_IN, call: vars({ country: 'FR' }) },

  // ------------------------------------------------------------------ subscriptions (allowed: the socket sends an event, not an error)
  'Subscription.campaignProgress': { allow: ACTORS },
  'Subscription.entrySubmitted': { allow: ACTORS, call: (s) => ({ variables: { contestId: s.openContest.id } }) },
  'Subscription.notificationAdded': { allow: SIGNED_IN },
};

/**
 * Object fields whose value depends on who asks (the rest of an object is as visible as the
 * object). Allowed: the value is there (non-null, non-empty); denied: null or empty, or an error.
 */
export interface ObjectFieldExpectation {
  allow: readonly Actor[];
  read: (scene: Scene) => { query: string; variables: Record<string, unknown> };
  /** The value the field answered, from the response's data. */
  value: (data: any, scene: Scene) => unknown;
}

const present = (value: unknown) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
export { present as isPresent };

const ofOwnerProfile = (selection: string) => (scene: Scene) => ({
  query: `query($handle: String!) { profile(handle: $handle) { ${selection} } }`,
  variables: { handle: scene.actors.owner.handle },
});
const ofCampaign = (selection: string) => (scene: Scene) => ({ query: `query($id: ID!) { campaign(id: $id) { ${selection} } }`, variables: { id: scene.campaign.id } });
const ofEntry = (id: (scene: Scene) => string, selection: string) => (scene: Scene) => ({
  query: `query($id: ID!) { entry(id: $id) { ${selection} } }`,
  variables: { id: id(scene) },
});

/**
 * Object fields whose description says their value depends on the viewer, and that the matrix
 * does not check yet: the test fails on any other such field without an entry in OBJECT_FIELDS.
 */
export const OBJECT_FIELDS_NOT_IN_MATRIX: Record<string, string> = {
  'RewardTier.secret': 'a flag; the rule it states is carried by Campaign.rewardTiers',
  'Contest.blind': 'a flag; the rule it states is carried by Contest.entries',
  'Contest.entries': 'blind contests: test/contest-entries.e2e-spec.ts (the matrix scene has no blind contest)',
  'Entry.comments': 'blind contests: test/contest-community.e2e-spec.ts',
  'Contest.polls': 'BACKERS polls: test/polls.e2e-spec.ts',
  'Campaign.contests': 'draft contests linked to a campaign: the scene links none',
  'Profile.contests': 'draft contests on a profile: the scene checks the same rule on Profile.campaigns',
  'DesignerRanking.averageRating': 'an aggregate, the same for every analyst',
  'PlatformOverview.collectedVolume': 'an aggregate, the same for every analyst',
  'Poll.options': 'the same for every viewer ("only" is about order)',
  'PayoutAccount.onboardingUrl': 'on a PayoutAccount, which only its owner and admins see (Profile.payoutAccount)',
};

export const OBJECT_FIELDS: Record<string, ObjectFieldExpectation> = {
  'Profile.payoutAccount': { allow: ['owner', 'admin'], read: ofOwnerProfile('payoutAccount { id }'), value: (data) => data.profile.payoutAccount },
  'Profile.emailVerified': { allow: ['owner'], read: ofOwnerProfile('emailVerified'), value: (data) => data.profile.emailVerified },
  'Profile.email': { allow: ['owner'], read: ofOwnerProfile('email'), value: (data) => data.profile.email },
  // A campaign's team sees its drafts anyway (Query.campaign), on the creator's profile too.
  'Profile.campaigns': {
    allow: [...CAMPAIGN_TEAM, 'admin'],
    read: (scene) => ({ query: `query($handle: String!) { profile(handle: $handle) { campaigns(first: 100) { edges { node { id } } } } }`, variables: { handle: scene.actors.creator.handle } }),
    // drafts only for their creator: present when the draft is listed
    value: (data, scene) => data.profile.campaigns.edges.filter((edge: any) => edge.node.id === scene.draftCampaign.id),
  },
  'Profile.followedCampaigns': {
    allow: ['owner'],
    read: ofOwnerProfile('followedCampaigns { edges { node { id } } }'),
    value: (data) => data.profile.followedCampaigns.edges,
  },
  'Profile.collaborations': {
    allow: ['editor'],
    read: (scene) => ({ query: `query($handle: String!) { profile(handle: $handle) { collaborations { edges { node { id } } } } }`, variables: { handle: scene.actors.editor.handle } }),
    value: (data) => data.profile.collaborations.edges,
  },
  'Campaign.pledges': { allow: [...CAMPAIGN_TEAM, 'admin'], read: ofCampaign('pledges { edges { node { id } } }'), value: (data) => data.campaign.pledges.edges },
  'Campaign.rewardTiers': {
    allow: [...CAMPAIGN_TEAM, 'admin'],
    read: ofCampaign('rewardTiers { id }'),
    // secret tiers only for those who may see them: present when the secret tier is listed
    value: (data, scene) => data.campaign.rewardTiers.filter((tier: any) => tier.id === scene.campaign.secretTierId),
  },
  'Campaign.viewerPledge': { allow: ['owner', 'backer'], read: ofCampaign('viewerPledge { id }'), value: (data) => data.campaign.viewerPledge },
  'Campaign.collaborators': { allow: [...CAMPAIGN_TEAM, 'admin'], read: ofCampaign('collaborators { role }'), value: (data) => data.campaign.collaborators },
  'Campaign.secretRewardToken': { allow: ['creator', 'editor'], read: ofCampaign('secretRewardToken'), value: (data) => data.campaign.secretRewardToken },
  'CampaignUpdate.body': {
    allow: ['owner', 'backer', ...CAMPAIGN_TEAM, 'admin'],
    read: (scene) => ({ query: `query($id: ID!) { node(id: $id) { ... on CampaignUpdate { body } } }`, variables: { id: scene.campaign.backersOnlyUpdateId } }),
    value: (data) => data.node?.body,
  },
  'Entry.rating': { allow: ['owner', 'holder'], read: ofEntry((s) => s.contest.ownerEntryId, 'rating'), value: (data) => data.entry.rating },
  'Entry.similarTo': { allow: ['holder', 'admin'], read: ofEntry((s) => s.contest.finalistEntryId, 'similarTo { distance }'), value: (data) => data.entry.similarTo },
};

/**
 * node(id) for one object of every type that implements Node: visible (the object) or hidden
 * (null) for each actor. The test fails on a Node type without a row here; a string says why the
 * scene has no such object.
 */
export const NODE_LOOKUPS: Record<string, { allow: readonly Actor[]; id: (scene: Scene) => string } | string> = {
  Profile: { allow: ACTORS, id: (s) => s.actors.owner.id },
  Comment: { allow: ACTORS, id: (s) => s.ownerCommentId },
  Notification: { allow: ['owner'], id: (s) => s.ownerNotificationId },
  Campaign: { allow: [...CAMPAIGN_TEAM, 'admin'], id: (s) => s.draftCampaign.id },
  RewardTier: { allow: [...CAMPAIGN_TEAM, 'admin'], id: (s) => s.campaign.secretTierId },
  StretchGoal: { allow: [...CAMPAIGN_TEAM, 'admin'], id: (s) => s.draftCampaign.stretchGoalId },
  AddOn: { allow: [...CAMPAIGN_TEAM, 'admin'], id: (s) => s.draftCampaign.addOnId },
  // A backers-only update is listed to everyone who sees the campaign; its body is not (CampaignUpdate.body).
  CampaignUpdate: { allow: ACTORS, id: (s) => s.campaign.backersOnlyUpdateId },
  Pledge: { allow: ['owner', ...CAMPAIGN_TEAM, 'admin'], id: (s) => s.ownerPledgeId },
  Contest: { allow: ['holder', 'admin'], id: (s) => s.draftContestId },
  // Blind: the designer and the holder see the entry until the contest ends.
  Entry: { allow: ['owner', 'holder', 'admin'], id: (s) => s.blindEntryId },
  Poll: { allow: ACTORS, id: (s) => s.contest.pollId },
  // An upload not yet part of anything: its uploader's only.
  Asset: { allow: ['owner'], id: (s) => s.handoverContest.ownerDeliveryAssetId },
  PayoutAccount: { allow: ['owner', 'admin'], id: (s) => s.ownerPayoutAccountId },
  Payout: 'a payout needs a settled campaign: test/funding-settlement.e2e-spec.ts and test/payments.e2e-spec.ts check who sees it',
};
