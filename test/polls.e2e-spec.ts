/**
 * Polls: the holder asks the crowd to choose among entries of their contest. A BACKERS poll is
 * read and answered only by profiles with a PENDING or COLLECTED pledge on the contest's campaign
 * (the eligibility matrix); a PUBLIC poll by any signed-in profile and read by anyone. One vote
 * per profile (voting again moves it, concurrent votes end as one), none after closesAt or for a
 * withdrawn entry, and every refused request writes nothing.
 */
import { CancelPledgeDocument, ContestPollsDocument, CreatePollDocument, PollNodeDocument, VoteDocument, WithdrawEntryDocument, type CreatePollInput } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, secondsFromNow, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { CONTEST_TEST_ENV, openContest, submitPicture, type ContestOptions } from './support/contest-fixtures';
import { picture } from './support/files-fixtures';
import { eventually } from './support/payments-fixtures';

describe('polls', () => {
  let app: TestApp;
  let holder: SignedUpProfile;
  let seed = 1;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV, PAYMENT_RETRY_WINDOW_SECONDS: '1' });
    holder = await signUpCreator(app);
  });
  afterAll(() => app.close());

  /** An opened contest of `owner` with `count` entries, each by its own designer. */
  async function contestWithEntries(count: number, options: ContestOptions = {}, owner = holder) {
    const contest = await openContest(app, owner, options);
    const entries: { id: string; designer: SignedUpProfile }[] = [];
    for (let index = 0; index < count; index++) {
      const designer = await signUp(app);
      const entry = await submitPicture(app, designer, contest.id, await picture(320, 240, seed++));
      entries.push({ id: entry.id, designer });
    }
    return { contest, entries };
  }

  const createPoll = (input: Partial<CreatePollInput> & Pick<CreatePollInput, 'contestId' | 'entryIds'>, token = holder.token) =>
    app.gql(CreatePollDocument, { input: { question: 'Which box says Lumen?', closesAt: secondsFromNow(3600), ...input } }, token);
  const vote = (pollId: string, entryId: string, profile?: SignedUpProfile) => app.gql(VoteDocument, { pollId, entryId }, profile?.token);
  const pollsSeen = async (contestId: string, profile?: SignedUpProfile) =>
    ok(await app.gql(ContestPollsDocument, { id: contestId }, profile?.token), 'contest').polls.map((poll) => poll.id);
  const fieldPaths = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) => result.errors?.[0]?.extensions.fields?.map((field) => field.path);
  const votesIn = (pollId: string) => app.sql(`SELECT voter_id, entry_id FROM contest.poll_votes WHERE poll_id = $1 ORDER BY voter_id`, [pollId]);

  /** What each profile of the matrix may do with a BACKERS poll: see it (Contest.polls and node) and vote, or the vote's error code. */
  async function eligibility(pollId: string, contestId: string, entryId: string, profiles: Record<string, SignedUpProfile | undefined>) {
    const answers: Record<string, { sees: boolean; node: boolean; vote: string }> = {};
    for (const [name, profile] of Object.entries(profiles)) {
      const sees = (await pollsSeen(contestId, profile)).includes(pollId);
      const node = ok(await app.gql(PollNodeDocument, { id: pollId }, profile?.token), 'node');
      const voted = await vote(pollId, entryId, profile);
      answers[name] = { sees, node: node?.id === pollId, vote: errorCode(voted) ?? 'OK' };
    }
    return answers;
  }

  it('BACKERS poll: a backer with a PENDING pledge votes; a canceled backer, a non-backer, the holder and anonymous visitors do not', async () => {
    const campaign = await liveCampaign(app, holder, { deadlineSeconds: 600 });
    const [pending, canceled, nonBacker] = [await signUp(app), await signUp(app), await signUp(app)];
    ok(await pledge(app, pending, { campaignId: campaign.id, amount: 2_000 }), 'pledge');
    const toCancel = ok(await pledge(app, canceled, { campaignId: campaign.id, amount: 2_000 }), 'pledge');
    ok(await app.gql(CancelPledgeDocument, { id: toCancel.id }, canceled.token), 'cancelPledge');
    const { contest, entries } = await contestWithEntries(2, { campaignId: campaign.id });
    const poll = ok(await createPoll({ contestId: contest.id, entryIds: entries.map((entry) => entry.id), audience: 'BACKERS' }), 'createPoll');
    expect(poll).toMatchObject({ audience: 'BACKERS', isOpen: true, totalVotes: 0, viewerVote: null });

    expect(await eligibility(poll.id, contest.id, entries[0].id, { pending, canceled, nonBacker, holder, anonymous: undefined })).toEqual({
      pending: { sees: true, node: true, vote: 'OK' },
      canceled: { sees: false, node: false, vote: 'FORBIDDEN' },
      nonBacker: { sees: false, node: false, vote: 'FORBIDDEN' },
      holder: { sees: true, node: true, vote: 'FORBIDDEN' },
      anonymous: { sees: false, node: false, vote: 'UNAUTHENTICATED' },
    });
    expect(await votesIn(poll.id)).toEqual([{ voter_id: pending.id, entry_id: entries[0].id }]);
    const [seenByHolder] = ok(await app.gql(ContestPollsDocument, { id: contest.id }, holder.token), 'contest').polls;
    expect(seenByHolder.options.map((option) => option.votes)).toEqual([1, 0]);

    // The backer cancels: their vote leaves the open poll; a poll that already closed keeps its result.
    const closed = ok(await createPoll({ contestId: contest.id, entryIds: entries.map((entry) => entry.id), audience: 'BACKERS' }), 'createPoll');
    ok(await vote(closed.id, entries[1].id, pending), 'vote');
    await app.sql(`UPDATE contest.polls SET closes_at = now() - interval '1 second' WHERE id = $1`, [closed.id]);
    const [backing] = await app.sql<{ id: string }>(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [pending.id]);
    ok(await app.gql(CancelPledgeDocument, { id: backing.id }, pending.token), 'cancelPledge');
    expect(await votesIn(poll.id)).toEqual([]);
    expect(await votesIn(closed.id)).toEqual([{ voter_id: pending.id, entry_id: entries[1].id }]);
    const afterCancel = ok(await app.gql(ContestPollsDocument, { id: contest.id }, holder.token), 'contest').polls.find((one) => one.id === poll.id);
    expect(afterCancel?.options.map((option) => option.votes)).toEqual([0, 0]);
  });

  it('BACKERS poll: a backer whose pledge was COLLECTED votes; a backer whose pledge was DROPPED does not', async () => {
    const campaign = await liveCampaign(app, holder, { deadlineSeconds: 4, goal: 1_000 });
    const [collected, dropped] = [await signUp(app), await signUp(app)];
    ok(await pledge(app, collected, { campaignId: campaign.id, amount: 2_000 }), 'pledge');
    ok(await pledge(app, dropped, { campaignId: campaign.id, amount: 2_000, paymentMethodId: 'pm_card_chargeCustomerFail' }), 'pledge');
    const { contest, entries } = await contestWithEntries(2, { campaignId: campaign.id });
    const poll = ok(await createPoll({ contestId: contest.id, entryIds: entries.map((entry) => entry.id), audience: 'BACKERS' }), 'createPoll');

    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    await eventually(async () => {
      const rows = await app.sql(`SELECT backer_id, status FROM funding.pledges WHERE campaign_id = $1`, [campaign.id]);
      const status = Object.fromEntries(rows.map((row) => [row.backer_id, row.status]));
      return status[collected.id] === 'COLLECTED' && status[dropped.id] === 'DROPPED';
    }, 30_000, 'one pledge collected and the other dropped');

    expect(await eligibility(poll.id, contest.id, entries[1].id, { collected, dropped })).toEqual({
      collected: { sees: true, node: true, vote: 'OK' },
      dropped: { sees: false, node: false, vote: 'FORBIDDEN' },
    });
    expect(await votesIn(poll.id)).toEqual([{ voter_id: collected.id, entry_id: entries[1].id }]);
  });

  it('PUBLIC poll: any signed-in profile votes, its holder too, anyone reads the counts; voting again moves the vote, concurrent votes end as one; a page of polls costs constant statements', async () => {
    const { contest, entries } = await contestWithEntries(3);
    const [a, b, c] = entries.map((entry) => entry.id);
    const poll = ok(await createPoll({ contestId: contest.id, entryIds: [a, b, c] }), 'createPoll');
    expect(poll).toMatchObject({ audience: 'PUBLIC', contest: { id: contest.id }, options: [{ entry: { id: a } }, { entry: { id: b } }, { entry: { id: c } }] });
    const [voter, hurried] = [await signUp(app), await signUp(app)];

    const first = ok(await vote(poll.id, a, voter), 'vote');
    expect(first).toMatchObject({ totalVotes: 1, viewerVote: { id: a } });
    const moved = ok(await vote(poll.id, b, voter), 'vote');
    expect(moved.options.map((option) => option.votes)).toEqual([0, 1, 0]);
    expect(moved).toMatchObject({ totalVotes: 1, viewerVote: { id: b } });

    const racing = await Promise.all([a, c, a, c, a, c].map((entryId) => vote(poll.id, entryId, hurried)));
    expect(racing.map(errorCode)).toEqual(Array(6).fill(undefined));
    const rows = await votesIn(poll.id);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.voter_id === hurried.id)!.entry_id).toMatch(new RegExp(`^(${a}|${c})$`));

    expect(ok(await vote(poll.id, a, holder), 'vote')).toMatchObject({ totalVotes: 3, viewerVote: { id: a } });
    expect(errorCode(await vote(poll.id, a))).toBe('UNAUTHENTICATED');
    const [asAnonymous] = ok(await app.gql(ContestPollsDocument, { id: contest.id }), 'contest').polls;
    expect(asAnonymous).toMatchObject({ id: poll.id, totalVotes: 3, viewerVote: null });
    expect(asAnonymous.options.reduce((sum, option) => sum + option.votes, 0)).toBe(3);
    expect(ok(await app.gql(PollNodeDocument, { id: poll.id }), 'node')).toEqual({ id: poll.id, question: poll.question });

    const before = await app.gql(ContestPollsDocument, { id: contest.id }, voter.token);
    for (let index = 0; index < 3; index++) {
      const more = ok(await createPoll({ contestId: contest.id, entryIds: [c, b, a] }), 'createPoll');
      ok(await vote(more.id, c, voter), 'vote');
      ok(await vote(more.id, a, hurried), 'vote');
    }
    const after = await app.gql(ContestPollsDocument, { id: contest.id }, voter.token);
    expect(after.data!.contest!.polls).toHaveLength(4);
    expect(after.data!.contest!.polls.map((p) => p.viewerVote?.id)).toEqual([b, c, c, c]);
    expect(before.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(after.extensions?.sqlStatements).toBe(before.extensions?.sqlStatements);
    console.log(`Contest.polls: ${before.extensions?.sqlStatements} statements for 1 poll, ${after.extensions?.sqlStatements} for 4`);
  });

  it('refuses a vote after closesAt and for a withdrawn entry (CONFLICT), and a poll over a withdrawn entry, keeping the vote as it was', async () => {
    const { contest, entries } = await contestWithEntries(3);
    const [a, b, c] = entries.map((entry) => entry.id);
    const poll = ok(await createPoll({ contestId: contest.id, entryIds: [a, b, c] }), 'createPoll');
    const voter = await signUp(app);
    ok(await vote(poll.id, a, voter), 'vote');

    ok(await app.gql(WithdrawEntryDocument, { id: b }, entries[1].designer.token), 'withdrawEntry');
    expect(errorCode(await vote(poll.id, b, voter))).toBe('CONFLICT');
    const [listed] = ok(await app.gql(ContestPollsDocument, { id: contest.id }, voter.token), 'contest').polls;
    expect(listed.options.map((option) => option.entry.status)).toEqual(['ACTIVE', 'WITHDRAWN', 'ACTIVE']);
    expect(listed.viewerVote).toEqual({ id: a });
    const overWithdrawn = await createPoll({ contestId: contest.id, entryIds: [a, b] });
    expect([errorCode(overWithdrawn), fieldPaths(overWithdrawn)]).toEqual(['BAD_USER_INPUT', ['entryIds.1']]);

    await app.sql(`UPDATE contest.polls SET closes_at = now() - interval '1 second' WHERE id = $1`, [poll.id]);
    expect(errorCode(await vote(poll.id, c, voter))).toBe('CONFLICT');
    expect(errorCode(await vote(poll.id, a, await signUp(app)))).toBe('CONFLICT');
    const [closed] = ok(await app.gql(ContestPollsDocument, { id: contest.id }, voter.token), 'contest').polls;
    expect(closed).toMatchObject({ isOpen: false, totalVotes: 1, viewerVote: { id: a } });
    expect(await votesIn(poll.id)).toEqual([{ voter_id: voter.id, entry_id: a }]);
  });

  it("refuses bad input, someone else's contest, unknown and wrong-typed ids and blind contests, writing nothing", async () => {
    const { contest, entries } = await contestWithEntries(2);
    const [a, b] = entries.map((entry) => entry.id);
    const other = await contestWithEntries(1, {}, await signUpCreator(app));
    const blind = await openContest(app, holder, { blind: true });
    const intruder = await signUp(app);

    const cases: [string, Promise<Awaited<ReturnType<typeof createPoll>>>, string, string[]?][] = [
      ['one entry', createPoll({ contestId: contest.id, entryIds: [a] }), 'BAD_USER_INPUT', ['entryIds']],
      ['an entry twice', createPoll({ contestId: contest.id, entryIds: [a, a] }), 'BAD_USER_INPUT', ['entryIds.1']],
      ['another contest’s entry', createPoll({ contestId: contest.id, entryIds: [a, other.entries[0].id] }), 'BAD_USER_INPUT', ['entryIds.1']],
      ['BACKERS without a campaign', createPoll({ contestId: contest.id, entryIds: [a, b], audience: 'BACKERS' }), 'BAD_USER_INPUT', ['audience']],
      ['closing in the past', createPoll({ contestId: contest.id, entryIds: [a, b], closesAt: secondsFromNow(-60) }), 'BAD_USER_INPUT', ['closesAt']],
      ['a blank question', createPoll({ contestId: contest.id, entryIds: [a, b], question: '   ' }), 'BAD_USER_INPUT', ['question']],
      ['a profile id as an entry', createPoll({ contestId: contest.id, entryIds: [a, intruder.id] }), 'NOT_FOUND'],
      ['an unknown entry', createPoll({ contestId: contest.id, entryIds: [a, 'ent_01JD0000000000000000000000'] }), 'NOT_FOUND'],
      ['an unknown contest', createPoll({ contestId: 'ctt_01JD0000000000000000000000', entryIds: [a, b] }), 'NOT_FOUND'],
      ['a profile id as the contest', createPoll({ contestId: holder.id, entryIds: [a, b] }), 'NOT_FOUND'],
      ['someone else’s contest', createPoll({ contestId: contest.id, entryIds: [a, b] }, intruder.token), 'FORBIDDEN'],
      ['a blind contest', createPoll({ contestId: blind.id, entryIds: [a, b] }), 'CONFLICT'],
    ];
    for (const [what, request, code, paths] of cases) {
      const result = await request;
      expect([what, errorCode(result), paths ? fieldPaths(result) : undefined]).toEqual([what, code, paths]);
    }
    const written = await app.sql(`SELECT id FROM contest.polls WHERE contest_id = ANY($1)`, [[contest.id, other.contest.id, blind.id]]);
    expect(written).toEqual([]);
    expect(await app.sql(`SELECT count(*)::int AS n FROM contest.poll_options WHERE entry_id = ANY($1)`, [[a, b, other.entries[0].id]])).toEqual([{ n: 0 }]);

    const poll = ok(await createPoll({ contestId: contest.id, entryIds: [a, b] }), 'createPoll');
    const votes: [string, Promise<Awaited<ReturnType<typeof vote>>>, string, string[]?][] = [
      ['an entry that is not an option', vote(poll.id, other.entries[0].id, intruder), 'BAD_USER_INPUT', ['entryId']],
      ['an unknown entry', vote(poll.id, 'ent_01JD0000000000000000000000', intruder), 'NOT_FOUND'],
      ['a profile id as the entry', vote(poll.id, intruder.id, intruder), 'NOT_FOUND'],
      ['an unknown poll', vote('pol_01JD0000000000000000000000', a, intruder), 'NOT_FOUND'],
      ['a contest id as the poll', vote(contest.id, a, intruder), 'NOT_FOUND'],
    ];
    for (const [what, request, code, paths] of votes) {
      const result = await request;
      expect([what, errorCode(result), paths ? fieldPaths(result) : undefined]).toEqual([what, code, paths]);
    }
    expect(await votesIn(poll.id)).toEqual([]);
  });
});
