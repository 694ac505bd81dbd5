/**
 * A crash between a provider call and our record of it moves nobody's money twice: the
 * provider keys derive from the contest's id, so the retry (the client's replay of
 * openContest, the refund job re-derived at boot) gets the provider's stored answer.
 */
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { ok } from './support/funding-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';
import { CONTEST_TEST_ENV, contestEscrow, createContestRequest, journalKinds, openContest, openContestRequest, providerCalls, waitForContestStatus } from './support/contest-fixtures';

describe('contests: crash safety of the opening charge and the refund', () => {
  let app: TestApp;
  let holder: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp(CONTEST_TEST_ENV);
    holder = await signUp(app);
  });
  afterAll(() => app.close());

  const alive = async () => {
    try {
      return (await fetch(`${app.baseUrl}/health`)).ok;
    } catch {
      return false;
    }
  };

  it('killed after the card was charged and before the contest was opened: the replay opens it with the same charge', async () => {
    const created = ok(await createContestRequest(app, holder, { prize: 40_000 }), 'createContest');
    await app.crash();
    await app.restart({ FOULE_FAULT: 'crash-after-provider:contest.open.charge' });
    const idempotencyKey = randomUUID();
    const lost = await openContestRequest(app, holder, created.id, { idempotencyKey }).then(() => 'answered', () => 'connection lost');
    expect(lost).toBe('connection lost');
    await eventually(async () => !(await alive()), 20_000, 'the api to kill itself at the fault point');
    const charged = await providerCalls(app, created.id);
    expect(charged.map((call) => [call.operation, call.idempotency_key, call.status])).toEqual([
      ['chargeOnSession', `contest:${created.id}:open:charge:1`, 'succeeded'],
    ]);
    expect((await app.sql(`SELECT status FROM contest.contests WHERE id = $1`, [created.id]))[0].status).toBe('DRAFT');
    expect(await journalKinds(app, created.id)).toEqual([]);

    // No app.crash() here: the process is gone, and TestApp's stop() would wait for an exit it already had.
    await app.restart({ FOULE_FAULT: '' });
    // The same request again (the key's lease on the dead process expires first): the provider answers with the same charge.
    const opened = ok(await openContestRequest(app, holder, created.id, { idempotencyKey }), 'openContest');
    expect(opened.status).toBe('OPEN');
    expect(await providerCalls(app, created.id)).toEqual(charged);
    expect((await app.sql(`SELECT charge_id FROM contest.contests WHERE id = $1`, [created.id]))[0].charge_id).toBe(charged[0].object_id);
    expect(await journalKinds(app, created.id)).toEqual(['contest.opened']);
    expect(await contestEscrow(app, created.id)).toBe(40_000);
    await expectLedgerSound(app);
  }, 120_000);

  it('killed after the refund and before it was recorded: the refund job re-derived at boot records the same refund once', async () => {
    const contest = await openContest(app, holder, { prize: 25_000 });
    await app.crash();
    await app.restart({ FOULE_FAULT: 'crash-after-provider:contest.refund' });
    const lost = await app.gql(`mutation($id: ID!) { cancelContest(id: $id) { id } }`, { id: contest.id }, holder.token).then(() => 'answered', () => 'connection lost');
    expect(lost).toBe('connection lost');
    await eventually(async () => !(await alive()), 20_000, 'the api to kill itself at the fault point');
    const [row] = await app.sql(`SELECT status, refunded_at FROM contest.contests WHERE id = $1`, [contest.id]);
    expect(row).toEqual({ status: 'CANCELED', refunded_at: null });
    const refunds = (await providerCalls(app, contest.id)).filter((call) => call.operation === 'refund');
    expect(refunds).toHaveLength(1);
    expect(await contestEscrow(app, contest.id)).toBe(25_000);

    await app.restart({ FOULE_FAULT: '' });
    await waitForContestStatus(app, contest.id, 'CANCELED');
    expect((await providerCalls(app, contest.id)).filter((call) => call.operation === 'refund')).toEqual(refunds);
    expect(await journalKinds(app, contest.id)).toEqual(['contest.opened', 'contest.refunded']);
    expect(await contestEscrow(app, contest.id)).toBe(0);
    await expectLedgerSound(app);
  }, 120_000);
});
