/**
 * Contests, from the holder's side: create (DRAFT), open by card (prize in escrow, fee to
 * platform:fees) once per idempotency key, cancel with a refund through the provider and a
 * reversing journal entry; bad input named field by field, and nothing half-written.
 */
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { ok } from './support/funding-fixtures';
import { expectLedgerSound } from './support/payments-fixtures';
import {
  CONTEST_FIELDS,
  CONTEST_TEST_ENV,
  contestEscrow,
  createContestRequest,
  journalKinds,
  openContest,
  openContestRequest,
  providerCalls,
} from './support/contest-fixtures';

describe('contests: create, open, cancel', () => {
  let app: TestApp;
  let holder: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...CONTEST_TEST_ENV, CONTEST_FEE_BPS: '1000' });
    holder = await signUp(app);
  });
  afterAll(() => app.close());

  const fields = (result: { errors?: { extensions: { fields?: { path: string }[] } }[] }) => result.errors?.[0]?.extensions.fields?.map((f) => f.path).sort();

  it('creates a DRAFT that only its holder sees, with the defaults of the contract', async () => {
    const created = ok(
      await app.gql(
        `mutation($input: CreateContestInput!) { createContest(input: $input) { ${CONTEST_FIELDS} } }`,
        { input: { title: 'Packaging', brief: 'A box', category: 'Packaging', prize: { amount: 10_000, currency: 'eur' } } },
        holder.token,
      ),
      'createContest',
    );
    expect(created).toMatchObject({ status: 'DRAFT', guaranteed: false, blind: false, maxFinalists: 6, qualifyingEndsAt: null, prize: { amount: 10_000, currency: 'EUR', formatted: '€100.00' } });
    const other = await signUp(app);
    expect((await app.gql(`query($id: ID!) { contest(id: $id) { id } }`, { id: created.id }, other.token)).data!.contest).toBeNull();
    expect((await app.gql(`query($id: ID!) { contest(id: $id) { id } }`, { id: created.id })).data!.contest).toBeNull();
    expect((await app.gql(`query($id: ID!) { contest(id: $id) { id } }`, { id: created.id }, holder.token)).data!.contest.id).toBe(created.id);
  });

  it('refuses bad input naming every field, and writes nothing', async () => {
    const before = await app.sql(`SELECT count(*)::int AS n FROM contest.contests`);
    const small = await createContestRequest(app, holder, { prize: 9_999 });
    expect(errorCode(small)).toBe('BAD_USER_INPUT');
    expect(fields(small)).toEqual(['prize.amount']);
    const many = await createContestRequest(app, holder, { currency: 'XYZ', maxFinalists: 11, qualifyingRoundSeconds: 0, finalRoundSeconds: 99_999_999 });
    expect(errorCode(many)).toBe('BAD_USER_INPUT');
    expect(fields(many)).toEqual(['finalRoundSeconds', 'maxFinalists', 'prize.currency', 'qualifyingRoundSeconds']);
    const yen = await createContestRequest(app, holder, { currency: 'JPY', prize: 99 });
    expect(fields(yen)).toEqual(['prize.amount']);
    expect(ok(await createContestRequest(app, holder, { currency: 'JPY', prize: 100 }), 'createContest').prize).toMatchObject({ amount: 100, currency: 'JPY' });
    expect(await app.sql(`SELECT count(*)::int AS n FROM contest.contests`)).toEqual([{ n: before[0].n + 1 }]);
  });

  it('opens by card: prize + 10% fee charged once, the prize in escrow, the fee to platform:fees, the qualifying round started', async () => {
    const created = ok(await createContestRequest(app, holder, { prize: 30_001, qualifyingRoundSeconds: 3600 }), 'createContest');
    const opened = ok(await openContestRequest(app, holder, created.id), 'openContest');
    expect(opened.status).toBe('OPEN');
    expect(new Date(opened.qualifyingEndsAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(await contestEscrow(app, created.id)).toBe(30_001);
    const [entry] = await app.sql(
      `SELECT json_object_agg(p.account, p.amount::int) AS postings FROM payments.postings p JOIN payments.journal_entries e ON e.id = p.journal_entry_id
        WHERE e.reference = $1 AND e.kind = 'contest.opened'`,
      [created.id],
    );
    // 10% of 30001 is 3000.1, rounded half-to-even to 3000.
    expect(entry.postings).toEqual({ 'external:stripe': -33_001, [`contest:${created.id}:escrow`]: 30_001, 'platform:fees': 3_000 });
    expect((await providerCalls(app, created.id)).map((call) => [call.operation, call.idempotency_key])).toEqual([
      ['chargeOnSession', `contest:${created.id}:open:charge:1`],
    ]);
    const again = await openContestRequest(app, holder, created.id);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0].message).toMatch(/only a DRAFT contest can be opened/);
    await expectLedgerSound(app);
  });

  it('a declined card is PAYMENT_FAILED with its decline code and the contest stays DRAFT; another card then opens it', async () => {
    const created = ok(await createContestRequest(app, holder), 'createContest');
    const declined = await openContestRequest(app, holder, created.id, { paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds' });
    expect(errorCode(declined)).toBe('PAYMENT_FAILED');
    expect(declined.errors![0].extensions.declineCode).toBe('insufficient_funds');
    expect((await app.sql(`SELECT status FROM contest.contests WHERE id = $1`, [created.id]))[0].status).toBe('DRAFT');
    expect(await contestEscrow(app, created.id)).toBe(0);
    expect(ok(await openContestRequest(app, holder, created.id), 'openContest').status).toBe('OPEN');
    expect((await providerCalls(app, created.id)).map((call) => [call.idempotency_key, call.status])).toEqual([
      [`contest:${created.id}:open:charge:1`, 'failed'],
      [`contest:${created.id}:open:charge:2`, 'succeeded'],
    ]);
  });

  it('a replay answers the same contest, a changed request under the key is IDEMPOTENCY_KEY_REUSED', async () => {
    const first = ok(await createContestRequest(app, holder), 'createContest');
    const second = ok(await createContestRequest(app, holder), 'createContest');
    const idempotencyKey = randomUUID();
    const opened = ok(await openContestRequest(app, holder, first.id, { idempotencyKey }), 'openContest');
    expect(ok(await openContestRequest(app, holder, first.id, { idempotencyKey }), 'openContest').id).toBe(opened.id);
    expect(errorCode(await openContestRequest(app, holder, second.id, { idempotencyKey }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await app.sql(`SELECT status FROM contest.contests WHERE id = $1`, [second.id]))[0].status).toBe('DRAFT');
  });

  it('20 concurrent replays of one openContest open it once and charge once', async () => {
    const created = ok(await createContestRequest(app, holder, { prize: 12_345 }), 'createContest');
    const idempotencyKey = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => openContestRequest(app, holder, created.id, { idempotencyKey })));
    for (const result of results) expect(ok(result, 'openContest')).toMatchObject({ id: created.id, status: 'OPEN' });
    expect(await providerCalls(app, created.id)).toHaveLength(1);
    expect(await journalKinds(app, created.id)).toEqual(['contest.opened']);
    expect(await contestEscrow(app, created.id)).toBe(12_345);
    await expectLedgerSound(app);
  });

  it('only the holder opens or cancels; an unknown contest is NOT_FOUND', async () => {
    const created = ok(await createContestRequest(app, holder), 'createContest');
    const other = await signUp(app);
    expect(errorCode(await openContestRequest(app, other, created.id))).toBe('NOT_FOUND');
    expect(errorCode(await openContestRequest(app, holder, 'ctt_01JD000000000000000000000X'))).toBe('NOT_FOUND');
    const opened = ok(await openContestRequest(app, holder, created.id), 'openContest');
    expect(errorCode(await app.gql(`mutation($id: ID!) { cancelContest(id: $id) { id } }`, { id: opened.id }, other.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(`mutation($id: ID!) { cancelContest(id: $id) { id } }`, { id: 'ctt_nope' }, holder.token))).toBe('NOT_FOUND');
  });

  it('cancel refunds prize and fee through the provider, reverses both in the ledger and leaves the escrow at zero', async () => {
    const contest = await openContest(app, holder, { prize: 20_000 });
    const canceled = ok(await app.gql(`mutation($id: ID!) { cancelContest(id: $id, reason: "Changed our mind") { id status } }`, { id: contest.id }, holder.token), 'cancelContest');
    expect(canceled.status).toBe('CANCELED');
    expect(await contestEscrow(app, contest.id)).toBe(0);
    expect(await journalKinds(app, contest.id)).toEqual(['contest.opened', 'contest.refunded']);
    const calls = await providerCalls(app, contest.id);
    expect(calls.map((call) => [call.operation, call.idempotency_key])).toEqual([
      ['chargeOnSession', `contest:${contest.id}:open:charge:1`],
      ['refund', `contest:${contest.id}:refund`],
    ]);
    const [refund] = await app.sql(`SELECT amount::int FROM payments.sandbox_requests WHERE idempotency_key = $1`, [`contest:${contest.id}:refund`]);
    expect(refund.amount).toBe(22_000);
    const admin = await signUpAdmin(app);
    expect(ok(await app.gql(`{ ledgerCheck { balanced } }`, {}, admin.token), 'ledgerCheck').balanced).toBe(true);
    expect(errorCode(await app.gql(`mutation($id: ID!) { cancelContest(id: $id) { id } }`, { id: contest.id }, holder.token))).toBe('CONFLICT');
    await expectLedgerSound(app);
  });

  it('a guaranteed contest cannot be canceled once open', async () => {
    const contest = await openContest(app, holder, { guaranteed: true });
    const refused = await app.gql(`mutation($id: ID!) { cancelContest(id: $id) { id } }`, { id: contest.id }, holder.token);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(/guaranteed/);
    expect(await contestEscrow(app, contest.id)).toBe(30_000);
  });

  it('browses contests by status and category in keyset pages; drafts stay out', async () => {
    const category = `Mascot ${randomUUID().slice(0, 6)}`;
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await openContest(app, holder, { category }));
    ok(await createContestRequest(app, holder, { category }), 'createContest');
    const other = await signUp(app);
    const page = async (after: string | null) =>
      ok(
        await app.gql(
          `query($category: String, $after: String) { contests(status: OPEN, category: $category, first: 2, after: $after) { totalCount edges { cursor node { id status category } } pageInfo { hasNextPage endCursor } } }`,
          { category: category.toUpperCase(), after },
          other.token,
        ),
        'contests',
      );
    const first = await page(null);
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((edge: any) => edge.node.id)).toEqual(opened.map((c) => c.id).reverse());
  });
});
