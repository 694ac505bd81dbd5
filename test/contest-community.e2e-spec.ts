/**
 * One crowd, the contest side (issue 10): comments on contests and entries (on a blind
 * contest's entry, the holder's feedback channel: the holder and its designer only), what a
 * contest tells whom through the outbox (nobody learns of an entry they may not see), and the
 * crowd stats and profile connections (blind rules apply).
 */
import {
  ContestCommentsDocument,
  CrowdAddCommentDocument,
  CrowdNotificationsDocument,
  CrowdProfileDocument,
  EntryCommentsDocument,
  NodeIdDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, pledgeStatuses, signUpCreator } from './support/funding-fixtures';
import { PDF_BYTES, picture, uploaded } from './support/files-fixtures';
import { eventually } from './support/payments-fixtures';
import { waitForNotification } from './support/community-fixtures';
import { CONTEST_TEST_ENV, createContestRequest, holderAction, openContest, submitPicture, waitForContestStatus } from './support/contest-fixtures';

describe('one crowd: contests', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV });
  });
  afterAll(() => app.close());

  const comment = (profile: SignedUpProfile, input: { subjectId: string; body: string; parentId?: string }) => app.gql(CrowdAddCommentDocument, { input }, profile.token);
  const entryComments = async (entryId: string, viewer?: SignedUpProfile) => ok(await app.gql(EntryCommentsDocument, { id: entryId }, viewer?.token), 'entry');
  const notifications = async (profile: SignedUpProfile) => ok(await app.gql(CrowdNotificationsDocument, {}, profile.token), 'notifications').edges.map((edge) => edge.node);
  /** Every contest notice about these subjects has been delivered (outbox stamped), so what is missing is missing for good. */
  const delivered = (subjectIds: string[]) =>
    eventually(async () => {
      const rows = await app.sql(`SELECT delivered_at FROM community.notification_outbox WHERE key LIKE 'contest.%' AND notice->>'subjectId' = ANY($1)`, [subjectIds]);
      return (rows.length > 0 && rows.every((row) => row.delivered_at !== null)) || null;
    }, 20_000, 'the contest notices to be delivered');

  it('takes comments on a contest and its entries, with replies told to whom they answer', async () => {
    const [holder, designer, fan] = [await signUp(app), await signUp(app), await signUp(app)];
    const contest = await openContest(app, holder);
    const entry = await submitPicture(app, designer, contest.id, await picture(200, 150, 1));

    const root = ok(await comment(fan, { subjectId: contest.id, body: 'Can entries use colour?' }), 'addComment');
    const reply = ok(await comment(holder, { subjectId: contest.id, body: 'Two colours at most', parentId: root.id }), 'addComment');
    expect(reply).toMatchObject({ subjectId: contest.id, parentId: root.id, author: { id: holder.id } });
    const contestComments = ok(await app.gql(ContestCommentsDocument, { id: contest.id }), 'contest').comments;
    expect(contestComments.totalCount).toBe(1);
    expect(contestComments.edges[0].node.replies.edges.map((edge) => edge.node.id)).toEqual([reply.id]);
    expect((await waitForNotification(app, fan, 'COMMENT_REPLY', reply.id)).relatedIds).toEqual([contest.id, root.id]);

    // An entry of an open contest: anyone reads its comments, its designer answers.
    const onEntry = ok(await comment(fan, { subjectId: entry.id, body: 'Love the curve' }), 'addComment');
    const thanks = ok(await comment(designer, { subjectId: entry.id, body: 'Thank you!', parentId: onEntry.id }), 'addComment');
    expect((await entryComments(entry.id)).comments.totalCount).toBe(1);
    expect((await waitForNotification(app, fan, 'COMMENT_REPLY', thanks.id)).relatedIds).toEqual([entry.id, onEntry.id]);

    // Ids of the wrong type, and unknown ones, are no subject.
    for (const subjectId of [holder.id, 'ent_01JD0000000000000000000000', 'cst_01JD0000000000000000000000']) {
      expect(errorCode(await comment(fan, { subjectId, body: 'Hello?' }))).toBe('NOT_FOUND');
    }
    const draft = ok(await createContestRequest(app, holder), 'createContest');
    expect(errorCode(await comment(fan, { subjectId: draft.id, body: 'Early bird' }))).toBe('NOT_FOUND');
  });

  it('keeps the comments on a blind contest’s entry between the holder and its designer, even for those who see the entry', async () => {
    const [holder, alice, bob, fan, admin] = [await signUp(app), await signUp(app), await signUp(app), await signUp(app), await signUpAdmin(app)];
    const contest = await openContest(app, holder, { blind: true });
    const entry = await submitPicture(app, alice, contest.id, await picture(200, 150, 2));
    await submitPicture(app, bob, contest.id, await picture(200, 150, 3));

    const feedback = ok(await comment(holder, { subjectId: entry.id, body: 'Try it in blue' }), 'addComment');
    const answer = ok(await comment(alice, { subjectId: entry.id, body: 'Blue it is', parentId: feedback.id }), 'addComment');
    await waitForNotification(app, holder, 'COMMENT_REPLY', answer.id);
    expect((await entryComments(entry.id, alice)).comments.totalCount).toBe(1);
    expect((await entryComments(entry.id, holder)).comments.edges[0].node.id).toBe(feedback.id);

    // Another designer and the anonymous do not see the entry at all: NOT_FOUND, as entry(id) is null.
    expect(await entryComments(entry.id, bob)).toBeNull();
    expect(await entryComments(entry.id)).toBeNull();
    expect(errorCode(await comment(bob, { subjectId: entry.id, body: 'Nice' }))).toBe('NOT_FOUND');
    expect(errorCode(await comment(bob, { subjectId: entry.id, body: 'Nice', parentId: feedback.id }))).toBe('NOT_FOUND');
    // An admin sees the entry but not the conversation, and may not join it.
    expect((await entryComments(entry.id, admin)).comments).toMatchObject({ totalCount: 0, edges: [] });
    expect(errorCode(await comment(admin, { subjectId: entry.id, body: 'Moderating' }))).toBe('FORBIDDEN');
    // Nor does node(id) hand the comments out.
    for (const viewer of [admin, bob]) expect((await app.gql(NodeIdDocument, { id: feedback.id }, viewer.token)).data?.node).toBeNull();
    expect((await app.gql(NodeIdDocument, { id: feedback.id }, alice.token)).data?.node).toEqual({ id: feedback.id });
    // The contest itself stays open to everyone's comments.
    ok(await comment(fan, { subjectId: contest.id, body: 'When does it end?' }), 'addComment');
    expect(await app.sql(`SELECT count(*)::int AS n FROM community.comments WHERE subject_id = $1`, [entry.id])).toEqual([{ n: 2 }]);
  });

  it('tells the holder of each entry and of the final files, each designer what happened to their own entry, and nobody of entries they may not see', async () => {
    const [holder, alice, bob, carol] = [await signUp(app), await signUp(app), await signUp(app), await signUp(app)];
    const contest = await openContest(app, holder, { blind: true, prize: 40_000 });
    const [a, b, c] = [
      await submitPicture(app, alice, contest.id, await picture(200, 150, 4)),
      await submitPicture(app, bob, contest.id, await picture(200, 150, 5)),
      await submitPicture(app, carol, contest.id, await picture(200, 150, 6)),
    ];
    const act = (mutation: string, variables: Record<string, unknown>, who = holder) => holderAction(app, who, mutation, variables);
    ok(await act('rateEntry(id: $id, stars: $stars) { id }', { id: a.id, stars: 4 }), 'rateEntry');
    ok(await act('rateEntry(id: $id, stars: $stars) { id }', { id: a.id, stars: 5 }), 'rateEntry');
    ok(await act('eliminateEntry(id: $id, reason: $reason) { id }', { id: c.id, reason: 'Off brief' }), 'eliminateEntry');
    ok(await act('selectFinalists(contestId: $contestId, entryIds: $entryIds) { id }', { contestId: contest.id, entryIds: [a.id, b.id] }), 'selectFinalists');
    ok(await act('pickWinner(contestId: $contestId, entryId: $entryId) { id }', { contestId: contest.id, entryId: a.id }), 'pickWinner');
    const files = await uploaded(app, alice, PDF_BYTES, 'application/pdf');
    ok(await act('deliverHandover(contestId: $contestId, assetIds: $assetIds) { id }', { contestId: contest.id, assetIds: [files] }, alice), 'deliverHandover');
    await waitForNotification(app, holder, 'HANDOVER_DELIVERED', contest.id);
    await delivered([a.id, b.id, c.id, contest.id]);

    const told = async (profile: SignedUpProfile) => (await notifications(profile)).map((n) => ({ kind: n.kind, subjectId: n.subjectId })).reverse();
    expect(await told(holder)).toEqual([
      { kind: 'ENTRY_SUBMITTED', subjectId: a.id },
      { kind: 'ENTRY_SUBMITTED', subjectId: b.id },
      { kind: 'ENTRY_SUBMITTED', subjectId: c.id },
      { kind: 'HANDOVER_DELIVERED', subjectId: contest.id },
    ]);
    // Two ratings are two facts; each designer hears only of their own entry.
    expect(await told(alice)).toEqual([
      { kind: 'ENTRY_RATED', subjectId: a.id },
      { kind: 'ENTRY_RATED', subjectId: a.id },
      { kind: 'FINALIST_SELECTED', subjectId: a.id },
      { kind: 'CONTEST_WON', subjectId: a.id },
    ]);
    expect(await told(bob)).toEqual([{ kind: 'FINALIST_SELECTED', subjectId: b.id }]);
    expect(await told(carol)).toEqual([{ kind: 'ENTRY_ELIMINATED', subjectId: c.id }]);

    const [rated4, rated5, , won] = (await notifications(alice)).reverse();
    expect(rated4.message).toContain('rated your entry #1 "My take" 4 of 5 stars');
    expect(rated5.message).toContain('5 of 5 stars');
    expect(won.message).toContain(`deliverHandover(contestId: "${contest.id}"`);
    expect(won.message).toContain('€400.00');
    expect((await notifications(carol))[0].message).toContain(': "Off brief"');
    expect((await notifications(holder))[0].message).toMatch(/approveHandover\(contestId: "ctt_\w+"\), or they are approved, and the prize paid, automatically at \d{4}-/);
    // Nobody's message names another designer's entry.
    for (const [profile, own] of [[bob, b], [carol, c]] as const) {
      for (const n of await notifications(profile)) expect([n.subjectId, ...n.relatedIds]).toEqual([own.id, contest.id]);
    }
  });

  it('counts one set of crowd stats and lists a profile’s campaigns, contests and entries as the viewer may see them', async () => {
    const [holder, designer, other] = [await signUpCreator(app), await signUp(app), await signUp(app)];
    // Funding: the holder also creates (a draft does not count) and backs (a live pledge, a collected one; a canceled pledge is no backing).
    const collecting = await liveCampaign(app, await signUpCreator(app), { goal: 500, deadlineSeconds: 3 });
    ok(await pledge(app, holder, { campaignId: collecting.id, amount: 500 }), 'pledge');
    const [mine, theirs, dropped] = [await liveCampaign(app, holder), await liveCampaign(app, await signUpCreator(app)), await liveCampaign(app, await signUpCreator(app))];
    ok(await app.gql(`mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`, {
      input: { title: 'Draft', blurb: 'b', description: 'd', category: 'Design', fundingModel: 'ALL_OR_NOTHING', goal: { amount: 10_000, currency: 'EUR' }, deadline: new Date(Date.now() + 600_000).toISOString() },
    }, holder.token), 'createCampaign');
    ok(await pledge(app, holder, { campaignId: theirs.id, amount: 700 }), 'pledge');
    const canceled = ok(await pledge(app, holder, { campaignId: dropped.id, amount: 500 }), 'pledge');
    ok(await app.gql(`mutation($id: ID!) { cancelPledge(id: $id) { id } }`, { id: canceled.id }, holder.token), 'cancelPledge');
    ok(await pledge(app, designer, { campaignId: mine.id, amount: 900 }), 'pledge');

    // Contests: one won and completed (the blind rule lifts), one blind and running, one draft.
    const won = await openContest(app, holder, { blind: true, prize: 25_000 });
    const running = await openContest(app, holder, { blind: true });
    const draft = ok(await createContestRequest(app, holder), 'createContest');
    const winning = await submitPicture(app, designer, won.id, await picture(200, 150, 7));
    const hidden = await submitPicture(app, designer, running.id, await picture(200, 150, 8));
    await submitPicture(app, other, running.id, await picture(200, 150, 9));
    ok(await holderAction(app, holder, 'pickWinner(contestId: $contestId, entryId: $entryId) { id }', { contestId: won.id, entryId: winning.id }), 'pickWinner');
    const files = await uploaded(app, designer, PDF_BYTES, 'application/pdf');
    ok(await holderAction(app, designer, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { id }', { contestId: won.id, assetIds: [files] }), 'deliverHandover');
    ok(await holderAction(app, holder, 'approveHandover(contestId: $contestId) { id }', { contestId: won.id }), 'approveHandover');
    await waitForContestStatus(app, won.id, 'COMPLETED');
    await eventually(async () => (await pledgeStatuses(app, collecting.id)).COLLECTED === 1 || null, 30_000, 'the pledge to be collected');

    const profile = async (of: SignedUpProfile, viewer?: SignedUpProfile) => ok(await app.gql(CrowdProfileDocument, { handle: of.handle }, viewer?.token), 'profile');
    const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((edge) => edge.node.id).sort();

    const asStranger = await profile(holder);
    expect(asStranger.stats).toEqual({
      campaignsCreated: 1,
      campaignsBacked: 2,
      contestsHeld: 2,
      entriesSubmitted: 0,
      contestsWon: 0,
      prizeMoneyWon: [],
      royaltiesEarned: [],
    });
    expect(ids(asStranger.campaigns)).toEqual([mine.id]);
    expect(ids(asStranger.contests)).toEqual([won.id, running.id].sort());
    expect(ids((await profile(holder, holder)).contests)).toEqual([won.id, running.id, draft.id].sort());

    expect((await profile(designer)).stats).toEqual({
      campaignsCreated: 0,
      campaignsBacked: 1,
      contestsHeld: 0,
      entriesSubmitted: 2,
      contestsWon: 1,
      prizeMoneyWon: [{ amount: 25_000, currency: 'EUR' }],
      royaltiesEarned: [],
    });
    // The running blind contest's entry is listed to its designer and the holder only.
    expect(ids((await profile(designer)).entries)).toEqual([winning.id]);
    expect(ids((await profile(designer, other)).entries)).toEqual([winning.id]);
    expect(ids((await profile(designer, designer)).entries)).toEqual([winning.id, hidden.id].sort());
    expect(ids((await profile(designer, holder)).entries)).toEqual([winning.id, hidden.id].sort());
    expect((await profile(designer)).entries.totalCount).toBe(1);
  });
});

describe('one crowd: a contest notice under a crash and a replay', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ ...CONTEST_TEST_ENV, FOULE_FAULT: 'crash-before:notifications.delivery' });
  });
  afterAll(() => app.close());

  const alive = async () => {
    try {
      return (await fetch(`${app.baseUrl}/health`)).ok;
    } catch {
      return false;
    }
  };
  const told = (holderId: string) => app.sql(`SELECT event_key FROM community.notifications WHERE recipient_id = $1 AND kind = 'ENTRY_SUBMITTED'`, [holderId]);

  it('killed after an entry committed and before the holder was told: told once after the restart, and a replayed delivery adds nothing', async () => {
    const [holder, designer] = [await signUp(app), await signUp(app)];
    const contest = await openContest(app, holder);
    const asset = await uploaded(app, designer, await picture(200, 150, 1), 'image/png');
    // The relay may kill the process before the entry's own response is written: read the entry from the database.
    await app.gql(`mutation($input: SubmitEntryInput!) { submitEntry(input: $input) { id } }`, { input: { contestId: contest.id, assetIds: [asset] } }, designer.token).catch(() => undefined);
    await eventually(async () => !(await alive()), 20_000, 'the api to kill itself before delivering');
    const [{ id: entryId }] = await app.sql<{ id: string }>(`SELECT id FROM contest.entries WHERE contest_id = $1`, [contest.id]);
    const key = `contest.entry.submitted:${entryId}`;
    expect(await app.sql(`SELECT delivered_at FROM community.notification_outbox WHERE key = $1`, [key])).toEqual([{ delivered_at: null }]);
    expect(await told(holder.id)).toEqual([]);

    await app.restart({ FOULE_FAULT: '' });
    await eventually(async () => (await told(holder.id)).length > 0 || null, 20_000, 'the holder to be told');
    expect(await told(holder.id)).toEqual([{ event_key: key }]);

    await app.sql(`UPDATE community.notification_outbox SET delivered_at = NULL WHERE key = $1`, [key]);
    await app.crash();
    await app.restart({ FOULE_FAULT: '' });
    await eventually(async () => (await app.sql(`SELECT delivered_at FROM community.notification_outbox WHERE key = $1`, [key]))[0].delivered_at ?? null);
    expect(await told(holder.id)).toEqual([{ event_key: key }]);
  }, 120_000);
});
