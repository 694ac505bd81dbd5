/**
 * Contest deadlines as durable jobs, with rounds of seconds: the qualifying round ends by
 * itself, and a finalist window that ends without finalists cancels the contest and refunds
 * the holder through the provider.
 */
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { expectLedgerSound } from './support/payments-fixtures';
import { CONTEST_TEST_ENV, contestEscrow, journalKinds, openContest, waitForContestStatus } from './support/contest-fixtures';

describe('contests: timers', () => {
  let app: TestApp;
  let holder: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...CONTEST_TEST_ENV, CONTEST_FINALIST_SELECTION_SECONDS: '2' });
    holder = await signUp(app);
  });
  afterAll(() => app.close());

  it('the qualifying round ends into FINALIST_SELECTION, and an unguaranteed contest without finalists is canceled and refunded', async () => {
    const contest = await openContest(app, holder, { qualifyingRoundSeconds: 1 });
    await waitForContestStatus(app, contest.id, 'FINALIST_SELECTION');
    await waitForContestStatus(app, contest.id, 'CANCELED');
    expect(await journalKinds(app, contest.id)).toEqual(['contest.opened', 'contest.refunded']);
    expect(await contestEscrow(app, contest.id)).toBe(0);
    const [row] = await app.sql(`SELECT cancel_reason FROM contest.contests WHERE id = $1`, [contest.id]);
    expect(row.cancel_reason).toMatch(/finalist selection window ended/);
    await expectLedgerSound(app);
  });

  it('a guaranteed contest that got no entry has nobody to award: canceled and refunded too', async () => {
    const contest = await openContest(app, holder, { qualifyingRoundSeconds: 1, guaranteed: true });
    await waitForContestStatus(app, contest.id, 'CANCELED');
    expect(await contestEscrow(app, contest.id)).toBe(0);
  });

  it('deadlines are derived again at boot: a contest whose round ended while the api was down moves on after the restart', async () => {
    const contest = await openContest(app, holder, { qualifyingRoundSeconds: 3600 });
    await app.crash();
    // As if the round had ended while nobody ran: the job queued with it is gone too.
    await app.sql(`UPDATE contest.contests SET qualifying_ends_at = now() - interval '1 second' WHERE id = $1`, [contest.id]);
    await app.sql(`DELETE FROM pgboss.job WHERE name = 'contest.deadline' AND singleton_key = $1`, [contest.id]);
    await app.restart();
    await waitForContestStatus(app, contest.id, 'FINALIST_SELECTION');
  });
});
