import { ConnectPayoutAccountDocument, LedgerCheckDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, signUpAdmin } from './support/fixtures';
import { startPaymentsHarness, type PaymentsHarness } from './support/payments-harness';
import { eventually, expectLedgerSound, move } from './support/payments-fixtures';

/**
 * The outbox under failure: a payout's transfer is a job written with the payout, and the
 * provider call carries a key derived from the payout, so neither a crash between "the
 * provider transferred" and "we recorded it" nor lost responses can send money twice.
 */
describe('payments: crash safety of payout transfers', () => {
  let app: TestApp;
  let harness: PaymentsHarness;

  beforeAll(async () => {
    app = await createTestApp({ FOULE_FAULT: 'crash-after-provider:payout.transfer' });
    harness = await startPaymentsHarness(app);
  });
  afterAll(async () => {
    await harness?.close();
    await app?.close();
  });

  async function payout(amount: number) {
    const creator = await signUp(app);
    await app.gql(ConnectPayoutAccountDocument, { country: 'FR' }, creator.token);
    const { payoutId } = await harness.ok('createPayout', {
      before: [move('test.earned', 'cmp_crash', 'external:stripe', `profile:${creator.id}:payable`, amount)],
      payout: { recipientProfileId: creator.id, money: { amount, currency: 'EUR' }, sourceId: 'cmp_crash', idempotencyKey: `payout:${creator.id}` },
    });
    return { creator, payoutId };
  }
  const alive = async () => {
    try {
      return (await fetch(`${app.baseUrl}/health`)).ok;
    } catch {
      return false;
    }
  };
  const sandboxTransfers = (payoutId: string) =>
    app.sql(`SELECT object_id, amount FROM payments.sandbox_requests WHERE operation = 'transfer' AND idempotency_key = $1`, [`payout:${payoutId}:transfer`]);
  const entries = async (payoutId: string) =>
    (await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [payoutId])).map((row) => row.kind);

  it('a process killed between the transfer and our record of it: after restart, the same transfer is recorded, once', async () => {
    const { creator, payoutId } = await payout(12_345);

    // The api's job transfers through the provider, then the process dies before recording it.
    await eventually(async () => !(await alive()), 20_000, 'the api to kill itself at the fault point');
    const transfers = await sandboxTransfers(payoutId);
    expect(transfers).toEqual([{ object_id: expect.stringMatching(/^tr_/), amount: '12345' }]);
    expect((await app.sql(`SELECT status, transfer_id FROM payments.payouts WHERE id = $1`, [payoutId]))[0]).toEqual({ status: 'PENDING', transfer_id: null });
    expect(await entries(payoutId)).toEqual(['payout.created']);

    // Restart without the fault: the pending payout is queued again at boot and its transfer
    // replays the provider's stored answer (same key, same parameters) instead of sending again.
    // (No app.crash() here: the process is already gone, and TestApp.stop() waits for an exit
    // event that a process killed by a signal has already emitted.)
    const restartedAt = Date.now();
    await app.restart({ FOULE_FAULT: '' });
    const paid = await eventually(async () => (await app.sql(`SELECT status, transfer_id FROM payments.payouts WHERE id = $1 AND status = 'PAID'`, [payoutId]))[0]);
    console.log(`crash recovery: payout recorded ${Date.now() - restartedAt} ms after the restart began`);
    expect(paid.transfer_id).toBe(transfers[0].object_id);
    expect(await sandboxTransfers(payoutId)).toEqual(transfers);
    const [account] = await app.sql(`SELECT provider_account_id FROM payments.payout_accounts WHERE profile_id = $1`, [creator.id]);
    const toAccount = await app.sql(`SELECT count(*)::int AS n FROM payments.sandbox_requests WHERE operation = 'transfer' AND parent_id = $1`, [account.provider_account_id]);
    expect(toAccount[0].n).toBe(1);
    expect(await entries(payoutId)).toEqual(['payout.created', 'payout.paid']);
    expect(await harness.ok('accountBalance', { account: `payout:${payoutId}`, currency: 'EUR' })).toBe(0);
    expect(await harness.ok('accountBalance', { account: `profile:${creator.id}:payable`, currency: 'EUR' })).toBe(0);
    const admin = await signUpAdmin(app);
    expect((await app.gql(LedgerCheckDocument, {}, admin.token)).data!.ledgerCheck.balanced).toBe(true);
    await expectLedgerSound(app);
  });

  it('with the provider failing before and after taking effect, every payout is paid exactly once', async () => {
    await app.crash();
    await app.restart({ FOULE_FAULT: '', SANDBOX_FAULTS: 'transient:0.2,lost:0.2,only:transfer' });
    const payouts = await Promise.all([1_000, 2_000, 3_000].map((amount) => payout(amount)));
    for (const { payoutId } of payouts) {
      await eventually(async () => (await app.sql(`SELECT 1 FROM payments.payouts WHERE id = $1 AND status = 'PAID'`, [payoutId]))[0], 100_000);
    }
    for (const { payoutId } of payouts) {
      const [recorded] = await app.sql(`SELECT transfer_id FROM payments.payouts WHERE id = $1`, [payoutId]);
      const transfers = await sandboxTransfers(payoutId);
      expect(transfers).toHaveLength(1);
      expect(recorded.transfer_id).toBe(transfers[0].object_id);
      expect(await entries(payoutId)).toEqual(['payout.created', 'payout.paid']);
    }
    const retried = await app.sql(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'payments.payout-transfer' AND retry_count > 0 AND data->>'payoutId' = ANY($1)`,
      [payouts.map((item) => item.payoutId)],
    );
    console.log(`payouts under SANDBOX_FAULTS=transient:0.2,lost:0.2: 3 paid once each, ${retried[0].n} transfer job(s) retried`);
    await expectLedgerSound(app);
  }, 150_000); // retries back off 1, 2, 4, 8... seconds: an unlucky run of faults takes a while
});
