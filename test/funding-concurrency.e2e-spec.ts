import PgBoss from 'pg-boss';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, campaignState, liveCampaign, ok, pledge, pledgeStatuses, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';

const BACKERS = 60;

/**
 * Under concurrency and crashes: a limited tier never oversells, and a settlement killed in
 * the middle (kill -9) charges every pledge exactly once after a restart, both at the worst
 * moment (right after the provider charged, before we recorded it) and at a random one with
 * a provider that fails transiently or loses responses.
 */
describe('funding: concurrency and crash safety', () => {
  let app: TestApp;
  let creator: SignedUpProfile;
  let backers: SignedUpProfile[];

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
    creator = await signUpCreator(app);
    backers = [];
    for (let i = 0; i < BACKERS; i += 10) backers.push(...(await Promise.all(Array.from({ length: 10 }, () => signUp(app)))));
  }, 120_000);
  afterAll(() => app?.close());

  const alive = async () => {
    try {
      return (await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  };

  /** 60 pending pledges on a campaign whose deadline is a few seconds away. */
  async function campaignWithPledges(deadlineSeconds: number) {
    const campaign = await liveCampaign(app, creator, { goal: 1000, deadlineSeconds });
    const pledges: { id: string }[] = [];
    for (let i = 0; i < BACKERS; i += 20) {
      const batch = await Promise.all(backers.slice(i, i + 20).map((backer, index) => pledge(app, backer, { campaignId: campaign.id, amount: 100 + i + index })));
      pledges.push(...batch.map((result) => ok(result, 'pledge')));
    }
    return { campaign, pledges };
  }

  /** Exactly one succeeded provider charge per pledge, the one recorded, and one collection entry each. */
  async function expectChargedExactlyOnce(campaignId: string, pledges: { id: string }[]) {
    const rows = await app.sql(
      `SELECT p.id, p.status, p.charge_id,
              (SELECT count(*)::int FROM payments.sandbox_requests r WHERE r.idempotency_key LIKE 'pledge:' || p.id || ':charge:%') AS requests,
              (SELECT count(*)::int FROM payments.sandbox_requests r WHERE r.idempotency_key LIKE 'pledge:' || p.id || ':charge:%' AND r.response->>'status' = 'succeeded') AS succeeded,
              (SELECT min(r.object_id) FROM payments.sandbox_requests r WHERE r.idempotency_key = 'pledge:' || p.id || ':charge:1') AS provider_charge,
              (SELECT count(*)::int FROM payments.journal_entries e WHERE e.reference = p.id AND e.kind = 'pledge.collected') AS entries
         FROM funding.pledges p WHERE p.campaign_id = $1`,
      [campaignId],
    );
    expect(rows).toHaveLength(pledges.length);
    for (const row of rows) {
      expect({ id: row.id, status: row.status, requests: row.requests, succeeded: row.succeeded, entries: row.entries }).toEqual({
        id: row.id,
        status: 'COLLECTED',
        requests: 1,
        succeeded: 1,
        entries: 1,
      });
      expect(row.charge_id).toBe(row.provider_charge);
    }
    const total = pledges.length * 100 + (pledges.length * (pledges.length - 1)) / 2;
    expect((await campaignState(app, campaignId)).collected.amount).toBe(total);
    await expectLedgerSound(app);
  }

  it('50 concurrent pledges by 50 backers on a tier of 10: exactly 10 succeed, the rest CONFLICT, remaining 0', async () => {
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 1000, limit: 10 }] });
    const tierId = campaign.tiers[0].id;
    const results = await Promise.all(backers.slice(0, 50).map((backer) => pledge(app, backer, { campaignId: campaign.id, amount: 1000, tierId })));
    const codes = results.map((result) => errorCode(result) ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(10);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(40);
    expect(results.find((result) => errorCode(result))!.errors![0].message).toMatch(/sold out/);
    const state = await campaignState(app, campaign.id);
    expect(state.rewardTiers).toEqual([expect.objectContaining({ limit: 10, remaining: 0, backersCount: 10 })]);
    expect(state).toMatchObject({ backersCount: 10, pledged: { amount: 10_000 } });
    const [{ claimed, live }] = await app.sql(
      `SELECT t.claimed, (SELECT count(*)::int FROM funding.pledges p WHERE p.tier_id = t.id AND p.status = 'PENDING') AS live FROM funding.reward_tiers t WHERE t.id = $1`,
      [tierId],
    );
    expect({ claimed, live }).toEqual({ claimed: 10, live: 10 });
  }, 60_000);

  it('kill -9 right after the provider charged and before the charge was recorded: after a restart every pledge is charged exactly once', async () => {
    const { campaign, pledges } = await campaignWithPledges(10);
    // The same database, now with the crash point armed: the settlement job kills the process
    // right after its first provider charge returns (others are in flight beside it).
    await app.crash();
    // The settlement resumed at boot may charge, and so kill the api, before it answers /ready.
    await app.restart({ FOULE_FAULT: 'crash-after-provider:pledge.charge' }).catch((error: Error) => {
      if (!error.message.includes('before it was ready')) throw error;
    });
    await eventually(async () => !(await alive()), 30_000, 'the api to kill itself after a settlement charge');
    const charged = await app.sql(
      `SELECT count(*)::int AS n FROM payments.sandbox_requests r JOIN funding.pledges p ON r.idempotency_key = 'pledge:' || p.id || ':charge:1'
        WHERE p.campaign_id = $1 AND r.operation = 'chargeOffSession'`,
      [campaign.id],
    );
    const recorded = (await pledgeStatuses(app, campaign.id)).COLLECTED ?? 0;
    console.log(`crash point: ${charged[0].n} provider charge(s) made, ${recorded} recorded when the process died`);
    expect(charged[0].n).toBeGreaterThan(recorded);
    expect(recorded).toBeLessThan(BACKERS);

    await app.crash();
    await app.restart({ FOULE_FAULT: '' });
    await waitForStatus(app, campaign.id, 'SUCCESSFUL', 60_000).catch(async (error) => {
      console.log(JSON.stringify(await app.sql(`SELECT name, state, singleton_key, start_after, retry_count, output FROM pgboss.job WHERE name LIKE 'funding%' AND singleton_key = $1`, [campaign.id]), null, 1));
      console.log(app.output().slice(-8000));
      throw error;
    });
    await expectChargedExactlyOnce(campaign.id, pledges);
  }, 240_000);

  it('kill -9 at a random moment of a settlement whose provider fails transiently and loses responses: every pledge charged exactly once', async () => {
    const faults = { SANDBOX_FAULTS: 'transient:0.3,lost:0.2,only:chargeOffSession' };
    await app.crash();
    await app.restart(faults);
    const { campaign, pledges } = await campaignWithPledges(10);
    // Kill it once some pledges are recorded and before all are.
    const seen = await eventually(
      async () => {
        const collected = (await pledgeStatuses(app, campaign.id)).COLLECTED ?? 0;
        return collected >= 5 ? collected : null;
      },
      60_000,
      'settlement to be under way',
    );
    await app.crash();
    const atCrash = (await pledgeStatuses(app, campaign.id)).COLLECTED ?? 0;
    console.log(`random kill -9: ${atCrash} of ${BACKERS} pledges recorded when the process was killed (${seen} seen just before)`);
    await app.restart(faults);
    await waitForStatus(app, campaign.id, 'SUCCESSFUL', 90_000).catch(async (error) => {
      console.log(app.output().slice(-8000));
      throw error;
    });
    await expectChargedExactlyOnce(campaign.id, pledges);
    const retried = await app.sql(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'funding.settle-campaign' AND singleton_key = $1`, [campaign.id]);
    console.log(`settlement of ${BACKERS} pledges with SANDBOX_FAULTS=${faults.SANDBOX_FAULTS} and one kill -9: ${retried[0].n} settle job(s)`);
  }, 240_000);

  it('several settlement runs at once, on two api instances, record every pledge exactly once', async () => {
    await app.crash();
    await app.restart({});
    const peer = await app.startPeer();
    try {
      const deadlineSeconds = 6;
      const { campaign, pledges } = await campaignWithPledges(deadlineSeconds);
      const [{ deadline }] = await app.sql(`SELECT deadline FROM funding.campaigns WHERE id = $1`, [campaign.id]);
      // Right after the deadline, besides the scheduled job, three more runs of the same
      // settlement: the two instances (two workers each) run them side by side.
      await eventually(async () => (await app.sql(`SELECT now() > $1::timestamptz AS past`, [deadline]))[0].past, 15_000, 'the deadline to pass');
      const boss = new PgBoss({ connectionString: app.databaseUrl, schema: 'pgboss', max: 1, supervise: false, schedule: false, migrate: false });
      await boss.start();
      await Promise.all([1, 2, 3].map(() => boss.send('funding.settle-campaign', { campaignId: campaign.id })));
      await boss.stop({ graceful: false, wait: true });
      await waitForStatus(app, campaign.id, 'SUCCESSFUL', 60_000);
      await eventually(async () => (await pledgeStatuses(app, campaign.id)).COLLECTED === BACKERS, 60_000, 'every pledge collected');
      // Let the extra runs finish too before counting.
      await eventually(
        async () =>
          (
            await app.sql(
              `SELECT count(*)::int AS n FROM pgboss.job
                WHERE name = 'funding.settle-campaign' AND data->>'campaignId' = $1 AND state IN ('created', 'active', 'retry')`,
              [campaign.id],
            )
          )[0].n === 0,
        60_000,
        'the extra settlement runs to finish',
      );
      await expectChargedExactlyOnce(campaign.id, pledges);
    } finally {
      await peer.stop();
    }
  }, 240_000);
});
