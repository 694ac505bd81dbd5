import { createTestApp, type TestApp } from './support/test-app';
import { startPaymentsHarness, type PaymentsHarness } from './support/payments-harness';
import { expectLedgerSound, move } from './support/payments-fixtures';

/**
 * PaymentsFacade.runIdempotent, the one idempotency mechanism for money mutations, called the
 * way the funding and contest modules call it, from separate processes on real connections.
 * Each call's effect is one journal entry, so effects can be counted.
 */
describe('payments: idempotency keys (runIdempotent)', () => {
  let app: TestApp;
  let harnesses: PaymentsHarness[];
  let run = 0;

  beforeAll(async () => {
    app = await createTestApp();
    harnesses = await Promise.all([startPaymentsHarness(app), startPaymentsHarness(app)]);
  });
  afterAll(async () => {
    await Promise.all((harnesses ?? []).map((harness) => harness.close()));
    await app?.close();
  });
  afterEach(() => expectLedgerSound(app));

  function call(overrides: Record<string, unknown> = {}) {
    run++;
    const reference = `pld_idem_${run}`;
    return {
      profileId: 'prf_idempotency',
      operation: 'funding.pledge',
      key: `key-${run}`,
      request: { campaignId: 'cmp_1', amount: 2500, paymentMethodId: 'pm_card_visa' },
      entry: move('pledge.collected', reference, 'external:stripe', 'campaign:cmp_idem:escrow', 2500),
      ...overrides,
    };
  }
  const effects = async (reference: string) =>
    (await app.sql(`SELECT count(*)::int AS n FROM payments.journal_entries WHERE reference = $1`, [reference]))[0].n;

  it('20 concurrent calls with one key, from two processes: one effect, every caller gets its result', async () => {
    const request = call({ delayMs: 300 });
    const started = Date.now();
    const outcomes = (
      await Promise.all(harnesses.map((harness) => harness.ok('idempotentEntryConcurrently', { ...request, times: 10 })))
    ).flat();
    const elapsed = Date.now() - started;
    expect(outcomes).toHaveLength(20);
    expect(outcomes.every((outcome: any) => outcome.ok)).toBe(true);
    const entryIds = new Set(outcomes.map((outcome: any) => outcome.result.entryId));
    expect(entryIds.size).toBe(1);
    expect(await effects(request.entry.reference)).toBe(1);
    expect(await harnesses[0].ok('accountBalance', { account: 'campaign:cmp_idem:escrow', currency: 'EUR' })).toBe(2500);
    const [row] = await app.sql(`SELECT state, response FROM payments.idempotency_keys WHERE profile_id = $1 AND key = $2`, [request.profileId, request.key]);
    expect(row).toEqual({ state: 'completed', response: { entryId: [...entryIds][0] } });
    console.log(`20 concurrent replays of one key: 1 effect, all answered in ${elapsed} ms (the work itself takes 300 ms)`);
  });

  it('a later replay returns the stored result without running again, whatever the key order of the request', async () => {
    const request = call();
    const first = await harnesses[0].ok('idempotentEntry', request);
    const reordered = { ...request, request: { paymentMethodId: 'pm_card_visa', amount: 2500, campaignId: 'cmp_1' } };
    expect(await harnesses[1].ok('idempotentEntry', reordered)).toEqual(first);
    expect(await effects(request.entry.reference)).toBe(1);
  });

  it('the same key with another request, or for another operation, is IDEMPOTENCY_KEY_REUSED', async () => {
    const request = call();
    await harnesses[0].ok('idempotentEntry', request);
    const otherAmount = await harnesses[0].fails('idempotentEntry', { ...request, request: { ...(request.request as object), amount: 2600 } });
    expect(otherAmount.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherOperation = await harnesses[1].fails('idempotentEntry', { ...request, operation: 'contest.open' });
    expect(otherOperation.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await effects(request.entry.reference)).toBe(1);
  });

  it('keys belong to a profile: the same key of another profile is another request', async () => {
    const request = call();
    await harnesses[0].ok('idempotentEntry', request);
    const other = { ...request, profileId: 'prf_someone_else', entry: move('pledge.collected', `${request.entry.reference}_b`, 'external:stripe', 'campaign:cmp_idem:escrow', 2500) };
    await harnesses[0].ok('idempotentEntry', other);
    expect(await effects(other.entry.reference)).toBe(1);
  });

  it('stores a DomainError as the answer and throws it again on replay, without running again', async () => {
    // The work's journal entry rolls back with it: no effect, and the answer is the error.
    const request = call({ outcome: 'domain-error' });
    const first = await harnesses[0].fails('idempotentEntry', request);
    expect(first).toMatchObject({ name: 'DomainError', code: 'CONFLICT' });
    const replay = await harnesses[1].fails('idempotentEntry', { ...request, outcome: 'ok' });
    expect(replay).toEqual(first);
    expect(await effects(request.entry.reference)).toBe(0);
  });

  it('releases the key after an unexpected error, so a retry runs the work', async () => {
    const request = call({ outcome: 'unexpected-error' });
    expect(await harnesses[0].fails('idempotentEntry', request)).toMatchObject({ message: 'the work failed unexpectedly' });
    expect(await app.sql(`SELECT 1 FROM payments.idempotency_keys WHERE key = $1`, [request.key])).toEqual([]);
    const retried = await harnesses[0].ok('idempotentEntry', { ...request, outcome: 'ok' });
    expect(retried.entryId).toMatch(/^jrn_/);
    expect(await effects(request.entry.reference)).toBe(1);
  });

  it('lets the work store its response in its own transaction, atomically with its effect', async () => {
    const request = call({ outcome: 'complete-in-transaction' });
    const first = await harnesses[0].ok('idempotentEntry', request);
    expect(first).toEqual({ entryId: expect.stringMatching(/^jrn_/), completedInTransaction: true });
    expect(await harnesses[1].ok('idempotentEntry', request)).toEqual(first);
    expect(await effects(request.entry.reference)).toBe(1);
  });

  it('takes over a key whose process died mid-work once its lease expired', async () => {
    const request = call();
    await app.sql(
      `INSERT INTO payments.idempotency_keys (profile_id, key, operation, request_hash, state, locked_by, locked_until)
       VALUES ($1, $2, $3, encode(sha256(convert_to($4, 'UTF8')), 'hex'), 'in_progress', 'a-dead-process', now() - interval '1 second')`,
      [request.profileId, request.key, request.operation, '{"amount":2500,"campaignId":"cmp_1","paymentMethodId":"pm_card_visa"}'],
    );
    const result = await harnesses[0].ok('idempotentEntry', request);
    expect(result.entryId).toMatch(/^jrn_/);
    expect(await effects(request.entry.reference)).toBe(1);
  });

  it('refuses an empty or oversized key as BAD_USER_INPUT on idempotencyKey', async () => {
    for (const key of ['', 'k'.repeat(256)]) {
      const error = await harnesses[0].fails('idempotentEntry', call({ key }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions!.fields).toEqual([{ path: 'idempotencyKey', message: expect.any(String) }]);
    }
  });
});
