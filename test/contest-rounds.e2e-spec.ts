/**
 * Every contest timer with short durations, entries included: the qualifying round ends, the
 * finalist window gives a guaranteed contest its top-rated entries as finalists, the final
 * round ends, the winner window splits the prize among the finalists' designers (odd minor
 * units to the earliest entry), and a delivered handover is approved by its timer.
 */
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { ok } from './support/funding-fixtures';
import { PDF_BYTES, otherPicture, picture, uploaded } from './support/files-fixtures';
import { expectLedgerSound } from './support/payments-fixtures';
import { CONTEST_TEST_ENV, contestEscrow, holderAction, journalKinds, openContest, submitPicture, waitForContestStatus } from './support/contest-fixtures';

describe('contests: timers with entries', () => {
  let app: TestApp;
  let holder: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...CONTEST_TEST_ENV, CONTEST_FINALIST_SELECTION_SECONDS: '2', CONTEST_WINNER_SELECTION_SECONDS: '2', HANDOVER_AUTO_APPROVE_SECONDS: '2' });
    holder = await signUp(app);
  });
  afterAll(() => app.close());

  it('guaranteed and unpicked: top-rated finalists by timer, then the prize split evenly with the odd unit to the earliest entry', async () => {
    const contest = await openContest(app, holder, { guaranteed: true, prize: 10_001, maxFinalists: 2, qualifyingRoundSeconds: 8, finalRoundSeconds: 1 });
    const [alice, bob, carol] = await Promise.all([signUp(app), signUp(app), signUp(app)]);
    const pictures = await Promise.all([picture(300, 200, 1), otherPicture(300, 200), picture(300, 200, 4)]);
    const a = await submitPicture(app, alice, contest.id, pictures[0]);
    const b = await submitPicture(app, bob, contest.id, pictures[1]);
    const c = await submitPicture(app, carol, contest.id, pictures[2]);
    for (const [entry, stars] of [[a, 3], [b, 5], [c, 3]] as const) ok(await holderAction(app, holder, 'rateEntry(id: $id, stars: $stars) { id }', { id: entry.id, stars }), 'rateEntry');

    await waitForContestStatus(app, contest.id, 'FINALIST_SELECTION');
    await waitForContestStatus(app, contest.id, 'FINAL_ROUND');
    const statuses = Object.fromEntries((await app.sql(`SELECT id, status FROM contest.entries WHERE contest_id = $1`, [contest.id])).map((row) => [row.id, row.status]));
    // b has 5 stars; a and c tie at 3 and a is earlier.
    expect(statuses).toEqual({ [a.id]: 'FINALIST', [b.id]: 'FINALIST', [c.id]: 'ACTIVE' });
    await waitForContestStatus(app, contest.id, 'WINNER_SELECTION');
    await waitForContestStatus(app, contest.id, 'COMPLETED');

    const awards = await app.sql(`SELECT designer_id, kind, amount::int FROM contest.prize_awards WHERE contest_id = $1 ORDER BY amount DESC`, [contest.id]);
    expect(awards).toEqual([
      { designer_id: alice.id, kind: 'SPLIT', amount: 5_001 },
      { designer_id: bob.id, kind: 'SPLIT', amount: 5_000 },
    ]);
    const payouts = await app.sql(`SELECT recipient_profile_id, amount::int FROM payments.payouts WHERE source_id = $1 ORDER BY amount DESC`, [contest.id]);
    expect(payouts).toEqual([
      { recipient_profile_id: alice.id, amount: 5_001 },
      { recipient_profile_id: bob.id, amount: 5_000 },
    ]);
    expect(await journalKinds(app, contest.id)).toEqual(['contest.opened', 'contest.prize_split']);
    expect(await contestEscrow(app, contest.id)).toBe(0);
    await expectLedgerSound(app);
  });

  it('a delivered handover is approved by its timer when the holder does not approve sooner', async () => {
    const contest = await openContest(app, holder, { prize: 20_000 });
    const designer = await signUp(app);
    const entry = await submitPicture(app, designer, contest.id, await picture(300, 200, 2));
    ok(await holderAction(app, holder, 'pickWinner(contestId: $contestId, entryId: $entryId) { id }', { contestId: contest.id, entryId: entry.id }), 'pickWinner');
    ok(await holderAction(app, designer, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { id }', { contestId: contest.id, assetIds: [await uploaded(app, designer, PDF_BYTES, 'application/pdf')] }), 'deliverHandover');
    await waitForContestStatus(app, contest.id, 'COMPLETED');
    expect(await journalKinds(app, contest.id)).toEqual(['contest.opened', 'contest.prize_awarded']);
    expect(await contestEscrow(app, contest.id)).toBe(0);
    await expectLedgerSound(app);
  });
});
