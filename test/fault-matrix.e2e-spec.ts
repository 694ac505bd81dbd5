/**
 * The fault-injection matrix of issue #13 §4. Each cell, and the test that covers it (this file
 * holds the cells no other file covered). After each: the ledger balanced, each pledge charged
 * at most once, each prize and royalty paid at most once, escrows right, nothing stuck.
 *
 * | cell                                        | file › test                                                                                  |
 * | ------------------------------------------- | -------------------------------------------------------------------------------------------- |
 * | provider errors and timeouts (SANDBOX_FAULTS)| payments.e2e-spec › "fault mode: a fault before the call leaves no trace; a lost response…"  |
 * |                                             | payments-crash.e2e-spec › "with the provider failing before and after taking effect, every payout is paid exactly once" |
 * |                                             | funding-concurrency.e2e-spec › "kill -9 at a random moment of a settlement whose provider fails transiently and loses responses…" |
 * | killed during settlement                    | funding-concurrency.e2e-spec › "kill -9 right after the provider charged and before the charge was recorded…" (and the random kill above) |
 * | killed during a later payment over time     | funding-pledge-over-time.e2e-spec › "kill -9 right after the provider charged a later payment and before it was recorded…" |
 * | killed during a payout                      | payments-crash.e2e-spec › "a process killed between the transfer and our record of it…"       |
 * | killed during a royalty payout              | this file › "killed right after the transfer of a prize, then of a royalty…"                 |
 * | killed during a contest's prize award       | this file, same test: the award is one transaction with no provider call (a kill rolls it back whole); the prize's payout transfer is the moment at risk |
 * | killed during a contest's refund            | contest-crash.e2e-spec › "killed after the refund and before it was recorded…"                |
 * | (and during a contest's opening charge)     | contest-crash.e2e-spec › "killed after the card was charged and before the contest was opened…" |
 * | (and between a fact and its notification)   | notifications.e2e-spec › "a process killed after the pledge committed and before anyone was told…" |
 * | duplicate webhooks                          | payments-webhooks.e2e-spec › "has no second effect when an event is delivered again", "transfer.created records a transfer … once; a replay or a second event does nothing" |
 * | out-of-order webhooks                       | payments-webhooks.e2e-spec › "ends in the same state whatever order succeeded, refunded and a late failure arrive in", "account.updated … an older account.updated arriving late changes nothing", "transfer.reversed … even when it arrives before transfer.created" |
 * | a dropped database connection               | this file › "a dropped database connection mid-traffic and mid-settlement…"                   |
 * | a database restart mid-traffic              | fault-db-restart.e2e-spec › "a fast and an immediate restart mid-pledges and mid-settlement…" (a PostgreSQL of that file's own, stopped and started on the same port and data; the suite's is shared by every file); also boot.e2e-spec › "reports not ready (503) while its database is down, and stays alive" |
 *
 * What the cells of this file found, and was fixed: the api died on a dropped connection (pg-boss
 * 10.4's unawaited outcome writes, and pg-pool's checked-out clients without an 'error' listener);
 * a failed request's idempotency key stayed claimed for the 30 s lease; and a process killed while
 * a royalty's payout run was active left the royalty unpaid until that job expired.
 */
import { randomUUID } from 'node:crypto';
import { CreateLinkedContestDocument, LedgerCheckDocument } from './documents/graphql';
import { CONTRACT_ERROR_CODES } from './support/contract-codes';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';
import { signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, escrowBalance, liveCampaign, ok, pledge, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';
import { PDF_BYTES, picture, uploaded } from './support/files-fixtures';
import { CONTEST_TEST_ENV, holderAction, openContestRequest, submitPicture } from './support/contest-fixtures';

/** A successful campaign's payout waits this long; a test "waits" it by SQL. */
const PAYOUT_DELAY = 3600;


describe('fault matrix: the database and payouts under faults', () => {
  let app: TestApp;
  let admin: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV, CAMPAIGN_PAYOUT_DELAY_SECONDS: String(PAYOUT_DELAY) });
    admin = await signUpAdmin(app);
  });
  afterAll(() => app?.close());

  /** Ends every backend of the api's database but the test's own connection: what a failover or an operator's kill does. */
  const terminateApiBackends = async () =>
    (
      await app.sql<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      )
    )[0].n;

  /** A failed answer is a clean one: a contract code, no stack trace, no driver message. */
  function expectCleanFailure(response: GraphQLResponse) {
    for (const error of response.errors ?? []) {
      expect(CONTRACT_ERROR_CODES).toContain(error.extensions.code);
      expect(JSON.stringify(error)).not.toMatch(/stacktrace|\s+at |terminat|Connection|QueryFailedError|ECONN/i);
    }
  }

  async function expectLedgerCheckBalanced() {
    // Right after a drop, a request may still meet a connection the pool has yet to discard and
    // be told to come back (503): the pool recovers when a later one is answered.
    const check = await eventually(async () => (await app.gql(LedgerCheckDocument, {}, admin.token)).data?.ledgerCheck ?? null, 10_000, 'the ledger check to be answered');
    expect(check.balanced).toBe(true);
    await expectLedgerSound(app);
  }

  /**
   * Waits until the api is mid-query, then cuts every one of its connections; 0 when the requests
   * of `whileRunning` were all answered first (they can be quicker than the poll).
   */
  async function dropConnectionsMidQuery(whileRunning: Promise<unknown>) {
    let answered = false;
    void whileRunning.finally(() => (answered = true));
    const talking = async () =>
      (await app.sql(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`)).length > 0;
    await eventually(async () => answered || (await talking()), 20_000, 'the api to be talking to its database').catch((error) => {
      console.log(app.output().split('\n').filter((line) => !line.includes('"level":50')).slice(-60).join('\n'));
      throw error;
    });
    return answered ? 0 : terminateApiBackends();
  }

  /** Time passes by SQL: the campaign's deadline is now, and the settle job waiting for it runs at once. */
  async function deadlinePasses(campaignId: string) {
    await app.sql(`UPDATE funding.campaigns SET deadline = now() WHERE id = $1`, [campaignId]);
    await app.sql(`UPDATE pgboss.job SET start_after = now() WHERE name = 'funding.settle-campaign' AND singleton_key = $1 AND state = 'created'`, [campaignId]);
  }

  /** The payout delay passes: the campaign ended an hour earlier, and its waiting payout job runs now. */
  async function payoutDelayPasses(campaignId: string) {
    await app.sql(`UPDATE funding.campaigns SET ended_at = ended_at - make_interval(secs => $2) WHERE id = $1`, [campaignId, PAYOUT_DELAY]);
    await app.sql(`UPDATE pgboss.job SET start_after = now() WHERE name = 'funding.pay-out-campaign' AND singleton_key = $1 AND state = 'created'`, [campaignId]);
  }

  const alive = async () => {
    try {
      return (await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  };
  /** Every pledge of the campaign charged by the provider exactly once, recorded once, its money in escrow. */
  async function expectEachPledgeChargedOnce(campaignId: string) {
    const rows = await app.sql(
      `SELECT p.id, p.status,
              (SELECT count(*)::int FROM payments.sandbox_requests r WHERE r.idempotency_key LIKE 'pledge:' || p.id || ':charge:%' AND r.response->>'status' = 'succeeded') AS charged,
              (SELECT count(*)::int FROM payments.journal_entries e WHERE e.reference = p.id AND e.kind = 'pledge.collected') AS entries
         FROM funding.pledges p WHERE p.campaign_id = $1`,
      [campaignId],
    );
    for (const row of rows) expect(row).toEqual({ id: row.id, status: 'COLLECTED', charged: 1, entries: 1 });
    const [{ total }] = await app.sql(`SELECT sum(amount)::int AS total FROM funding.pledges WHERE campaign_id = $1`, [campaignId]);
    expect(await escrowBalance(app, campaignId)).toBe(total);
    return rows.length;
  }

  it('a dropped database connection mid-traffic and mid-settlement: clean errors, the pool recovers, nothing half-written, each pledge charged once', async () => {
    const creator = await signUpCreator(app);
    const backers = await Promise.all(Array.from({ length: 12 }, () => signUp(app)));
    const campaign = await liveCampaign(app, creator, { goal: 1_000, deadlineSeconds: 600, tiers: [{ minimum: 500, limit: 20 }] });
    const tierId = campaign.tiers[0].id;
    const keys = backers.map(() => randomUUID());
    const send = (index: number) => pledge(app, backers[index], { campaignId: campaign.id, amount: 500 + index, tierId, idempotencyKey: keys[index] });

    // Twelve pledges in flight, and every api connection cut twice while they run.
    const inFlight = backers.map((_, index) => send(index));
    const running = Promise.allSettled(inFlight);
    const terminated = (await dropConnectionsMidQuery(running)) + (await dropConnectionsMidQuery(running));
    const first = await Promise.all(inFlight).catch((error) => {
      console.log(app.output().split('\n').filter((line) => !line.includes('"level":50')).slice(-60).join('\n'));
      throw error;
    });
    const failed = first.flatMap((response, index) => (response.errors ? [index] : []));
    console.log(`dropped connections mid-traffic: ${terminated} backend(s) terminated, ${failed.length} of 12 pledges failed (HTTP ${[...new Set(first.filter((r) => r.errors).map((r) => r.status))].join(', ')})`);
    first.forEach(expectCleanFailure);
    // A request whose session check lost its connection is told to come back (503), never a 500.
    for (const response of first) expect([200, 503]).toContain(response.status);
    // A failed request let go of its idempotency key (on a fresh connection), so its retry need not wait out the lease.
    expect(await app.sql(`SELECT key FROM payments.idempotency_keys WHERE key = ANY($1) AND state = 'in_progress'`, [keys])).toEqual([]);

    // The pool recovers: the same requests again (same keys) all succeed, and each backer has one pledge.
    const retried = await Promise.all(failed.map((index) => send(index)));
    for (const response of retried) expect(response.errors).toBeUndefined();
    const perBacker = await app.sql(`SELECT count(*)::int AS n FROM funding.pledges WHERE campaign_id = $1 GROUP BY backer_id`, [campaign.id]);
    expect(perBacker.map((row) => row.n)).toEqual(backers.map(() => 1));
    // No tier claim without its pledge, nor a pledge without its claim.
    expect((await app.sql(`SELECT claimed FROM funding.reward_tiers WHERE id = $1`, [tierId]))[0].claimed).toBe(backers.length);

    // The deadline passes, and the connections drop again mid-settlement.
    await deadlinePasses(campaign.id);
    // Settling twelve pledges takes milliseconds, so the poll may see the job only once it is done:
    // then the drop lands just after it, and the checks below hold all the same.
    const settleJob = async () =>
      (await app.sql<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = 'funding.settle-campaign' AND singleton_key = $1 AND state IN ('active', 'completed')`, [campaign.id]))[0]?.state;
    await eventually(async () => (await settleJob()) !== undefined, 20_000, 'settlement to start');
    const settlingWhenDropped = (await settleJob()) === 'active';
    await terminateApiBackends();
    console.log(`dropped connections ${settlingWhenDropped ? 'mid-settlement' : 'just after settlement'}`);
    await waitForStatus(app, campaign.id, 'SUCCESSFUL', 60_000).catch(async (error) => {
      console.log(JSON.stringify(await app.sql(`SELECT name, state, retry_count, start_after, started_on, completed_on, output FROM pgboss.job WHERE singleton_key = $1 OR data->>'campaignId' = $1 ORDER BY created_on`, [campaign.id])));
      console.log(JSON.stringify(await app.sql(`SELECT status, charges_completed_at, ended_at FROM funding.campaigns WHERE id = $1`, [campaign.id])));
      console.log(JSON.stringify(await app.sql(`SELECT status, count(*)::int FROM funding.pledges WHERE campaign_id = $1 GROUP BY status`, [campaign.id])));
      console.log(app.output().split('\n').filter((line) => /"level":(40|50|60)/.test(line)).slice(-15).map((line) => line.slice(0, 400)).join('\n'));
      throw error;
    });
    expect(await expectEachPledgeChargedOnce(campaign.id)).toBe(backers.length);
    await expectLedgerCheckBalanced();
  }, 90_000);

  it('killed right after the transfer of a prize, then of a royalty: after the restarts each is paid once, with the transfer the provider made', async () => {
    const creator = await signUpCreator(app);
    const designer = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator, { goal: 10_000, deadlineSeconds: 600 });
    ok(await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 20_000 }), 'pledge');
    const input = { title: 'Logo', brief: 'A logo for the lamp', category: 'Logo', prize: { amount: 10_000, currency: 'EUR' }, qualifyingRoundSeconds: 3600, finalRoundSeconds: 3600 };
    const contestId = ok(await app.gql(CreateLinkedContestDocument, { input: { ...input, campaignId: campaign.id, winnerRoyaltyBps: 1000 } }, creator.token), 'createContest').id;
    await deadlinePasses(campaign.id);
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    await payoutDelayPasses(campaign.id);
    await eventually(async () => (await app.sql(`SELECT 1 FROM payments.payouts WHERE source_id = $1 AND status = 'PAID'`, [campaign.id])).length > 0, 30_000, "the creator's first payout");

    ok(await openContestRequest(app, creator, contestId), 'openContest');
    const entry = await submitPicture(app, designer, contestId, await picture(300, 200, 7));
    ok(await holderAction(app, creator, 'pickWinner(contestId: $contestId, entryId: $entryId) { id }', { contestId, entryId: entry.id }), 'pickWinner');
    const handover = [await uploaded(app, designer, PDF_BYTES, 'application/pdf')];
    ok(await holderAction(app, designer, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { id }', { contestId, assetIds: handover }), 'deliverHandover');
    const payoutOf = async (kind: string) =>
      (await app.sql<{ id: string; status: string }>(`SELECT id, status FROM payments.payouts WHERE recipient_profile_id = $1 AND kind = $2`, [designer.id, kind]))[0];
    const transfersOf = (payoutId: string) =>
      app.sql(`SELECT object_id, amount::int FROM payments.sandbox_requests WHERE operation = 'transfer' AND idempotency_key = $1`, [`payout:${payoutId}:transfer`]);

    // The approval completes the contest: the prize is awarded with its payout (whose transfer kills the process),
    // and the next payout run owes the royalty. Both kinds are armed, so neither can be recorded before the kill.
    await app.crash();
    await app.restart({ FOULE_FAULT: 'crash-after-provider:payout.transfer.prize,crash-after-provider:payout.transfer.royalty' });
    await holderAction(app, creator, 'approveHandover(contestId: $contestId) { id }', { contestId }).catch(() => 'the answer may be lost with the process');
    await eventually(async () => !(await alive()), 30_000, 'the api to kill itself after the prize transfer');
    const prize = await payoutOf('CONTEST_PRIZE');
    expect(prize.status).toBe('PENDING');
    expect(await transfersOf(prize.id)).toHaveLength(1);
    expect((await app.sql(`SELECT status FROM contest.contests WHERE id = $1`, [contestId]))[0].status).toBe('COMPLETED');

    // Only the royalty armed: at boot the prize's transfer is replayed, and the royalty's kills the process.
    await app.restart({ FOULE_FAULT: 'crash-after-provider:payout.transfer.royalty' });
    await eventually(async () => !(await alive()), 30_000, 'the api to kill itself after the royalty transfer').catch(async (error) => {
      console.log(JSON.stringify(await app.sql(`SELECT name, state, start_after, retry_count FROM pgboss.job WHERE name LIKE 'funding.pay-out%' OR name LIKE 'payments.payout%' ORDER BY created_on`)));
      throw error;
    });
    const royalty = await payoutOf('ROYALTY');
    expect(royalty.status).toBe('PENDING');
    expect(await transfersOf(royalty.id)).toHaveLength(1);

    // Nothing armed: nothing is stuck, and each payout went out once, as the transfer the provider made.
    await app.restart({ FOULE_FAULT: '' });
    for (const payout of [prize, royalty]) {
      const paid = await eventually(async () => (await app.sql(`SELECT transfer_id, amount::int FROM payments.payouts WHERE id = $1 AND status = 'PAID'`, [payout.id]))[0], 30_000, `payout ${payout.id}`);
      expect(await transfersOf(payout.id)).toEqual([{ object_id: paid.transfer_id, amount: paid.amount }]);
      const kinds = (await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [payout.id])).map((row) => row.kind);
      expect(kinds).toEqual(['payout.created', 'payout.paid']);
    }
    // The prize awarded once, the royalty (10% of 20_000) settled once, the escrows empty.
    expect(await app.sql(`SELECT kind, amount::int FROM contest.prize_awards WHERE contest_id = $1`, [contestId])).toEqual([{ kind: 'WINNER', amount: 10_000 }]);
    expect(await app.sql(`SELECT paid_amount::int FROM funding.royalty_agreements WHERE contest_id = $1`, [contestId])).toEqual([{ paid_amount: 2_000 }]);
    expect(await app.sql(`SELECT amount::int FROM payments.payouts WHERE id = $1`, [royalty.id])).toEqual([{ amount: 2_000 }]);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
    expect(Number((await app.sql(`SELECT balance FROM payments.account_balances WHERE account = $1`, [`contest:${contestId}:escrow`]))[0]?.balance ?? 0)).toBe(0);
    await expectLedgerCheckBalanced();
  }, 150_000);
});
