/**
 * The scale-out topology of docker/compose.yaml on one machine: two api instances that serve
 * requests and run no jobs (JOBS_IN_PROCESS=false), one job worker (apps/worker), one database,
 * one Redis. Pledges go through both apis; a subscriber on one api sees what was done on the
 * other and what the worker did; each campaign's settlement and each contest's timers run once,
 * in the worker, though every process re-derives its deadlines at boot.
 *
 * When `pgbouncer` is installed, the three processes reach PostgreSQL through a PgBouncer in
 * transaction mode (DATABASE_URL), migrations through a direct DATABASE_DIRECT_URL, as behind a
 * managed PostgreSQL: pg-boss, transactions, advisory locks and subscriptions must all hold there.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { signUp, type SignedUpProfile } from './support/fixtures';
import {
  CONTEST_TEST_ENV,
  contestEscrow,
  journalKinds,
  openContest,
  providerCalls,
  waitForContestStatus,
} from './support/contest-fixtures';
import {
  FUNDING_TEST_ENV,
  liveCampaign,
  ok,
  pledge,
  sandboxCharges,
  signUpCreator,
  subscribeToProgress,
  waitForStatus,
} from './support/funding-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';
import { pgbouncerInstalled, startPgbouncer, type Pooler } from './support/pgbouncer';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';

// Set by the global setup when a Redis answers (TEST_REDIS_URL, default redis://127.0.0.1:6379).
const REDIS_URL = process.env.FOULE_TEST_REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;
const THROUGH_PGBOUNCER = pgbouncerInstalled();

/** The same test app, but every request sent to the api at `baseUrl` (the fixtures take a TestApp). */
function through(app: TestApp, baseUrl: string): TestApp {
  const gql = async (
    document: string | TypedDocumentNode,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GraphQLResponse> => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
    });
    return { ...((await response.json()) as GraphQLResponse), status: response.status };
  };
  return { ...app, baseUrl, gql: gql as TestApp['gql'] };
}

/** How many lines of `output` contain `text`. */
const linesWith = (output: string, text: string) => output.split('\n').filter((line) => line.includes(text)).length;

withRedis(
  `scale-out: two api instances and one worker on one database (${THROUGH_PGBOUNCER ? 'through PgBouncer in transaction mode' : 'direct: pgbouncer is not installed'}) and one Redis`,
  () => {
    let pooler: Pooler | undefined;
    let apiA: TestApp;
    let apiB: TestApp;
    let peer: Awaited<ReturnType<TestApp['startPeer']>>;
    let worker: Awaited<ReturnType<TestApp['startWorker']>>;

    beforeAll(async () => {
      if (THROUGH_PGBOUNCER) pooler = await startPgbouncer(process.env.FOULE_TEST_DATABASE_SERVER!);
      apiA = await createTestApp(
        {
          ...FUNDING_TEST_ENV,
          ...CONTEST_TEST_ENV,
          CONTEST_FINALIST_SELECTION_SECONDS: '2',
          REDIS_URL: REDIS_URL!,
          JOBS_IN_PROCESS: 'false',
          // The job handlers' lines (info) tell which process ran a job, and how many times.
          LOG_LEVEL: 'info',
        },
        { pooled: pooler?.pooled },
      );
      [peer, worker] = await Promise.all([apiA.startPeer(), apiA.startWorker()]);
      apiB = through(apiA, peer.baseUrl);
    });
    afterAll(async () => {
      await apiA?.close();
      await pooler?.stop();
    });

    /**
     * Lines with `text` printed by the worker, and by all three processes together (the test app's
     * output holds every process's): the same count means none came from an api. A handler logs
     * after its work is visible (the contest's refund is recorded before its line): wait for one.
     */
    const ranInWorkerOnly = async (text: string) => {
      await eventually(async () => linesWith(apiA.output(), text) > 0 || null, 10_000, `a line with "${text}"`);
      return [linesWith(worker.output(), text), linesWith(apiA.output(), text)];
    };

    it('boots the apis without job processing, and the worker with it', () => {
      expect(linesWith(apiA.output(), 'JOBS_IN_PROCESS=false: this api enqueues jobs and runs none')).toBe(2);
      expect(peer.output()).toContain('JOBS_IN_PROCESS=false');
      expect(worker.output()).toContain('Foule worker is processing jobs');
    });

    (THROUGH_PGBOUNCER ? it : it.skip)('reaches PostgreSQL through PgBouncer, migrations aside', async () => {
      expect(apiA.env.DATABASE_URL).not.toBe(apiA.databaseUrl);
      expect(apiA.env.DATABASE_DIRECT_URL).toBe(apiA.databaseUrl);
      expect(await pooler!.clientsOf(new URL(apiA.databaseUrl).pathname.slice(1))).toBeGreaterThan(0);
    });

    it('pledges through both apis reach subscribers on the other; each campaign settles once, each pledge charged once', async () => {
      const creator = await signUpCreator(apiA);
      const backers: SignedUpProfile[] = await Promise.all([apiA, apiB, apiA, apiB].map((api) => signUp(api)));
      const campaigns = [
        await liveCampaign(apiA, creator, { goal: 3000, deadlineSeconds: 8 }),
        await liveCampaign(apiB, creator, { goal: 3000, deadlineSeconds: 8 }),
      ];
      // Each campaign watched on the api that did not launch it.
      const watchers = [await subscribeToProgress(apiA, campaigns[0].id, { on: peer }), await subscribeToProgress(apiB, campaigns[1].id, { on: apiA })];
      const pledges: { id: string }[] = [];
      for (const [index, campaign] of campaigns.entries()) {
        // One pledge through each api, per campaign.
        pledges.push(ok(await pledge(apiA, backers[2 * index], { campaignId: campaign.id, amount: 2000 }), 'pledge'));
        pledges.push(ok(await pledge(apiB, backers[2 * index + 1], { campaignId: campaign.id, amount: 1500 }), 'pledge'));
      }
      for (const campaign of campaigns) await waitForStatus(apiA, campaign.id, 'SUCCESSFUL');

      for (const [index, watcher] of watchers.entries()) {
        // The pledges, made on both apis, then the worker's settlement, all seen through Redis.
        await eventually(
          async () => watcher.events.some((event) => event.status === 'SUCCESSFUL' && event.collected.amount === 3500),
          10_000,
          `campaign ${index}'s settled progress`,
        );
        await watcher.close();
        expect(watcher.errors).toEqual([]);
        expect(watcher.events.slice(0, 2).map((event) => [event.status, event.pledged.amount, event.backersCount])).toEqual([
          ['LIVE', 2000, 1],
          ['LIVE', 3500, 2],
        ]);
      }
      for (const made of pledges) {
        expect(await sandboxCharges(apiA, made.id)).toEqual([
          { idempotency_key: `pledge:${made.id}:charge:1`, operation: 'chargeOffSession', status: 'succeeded' },
        ]);
        expect(
          (await apiA.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1`, [made.id])).map((row) => row.kind),
        ).toEqual(['pledge.collected']);
      }
      for (const campaign of campaigns) {
        // One payout, paid once, after the (1 s) delay.
        await eventually(
          async () =>
            (await apiA.sql(`SELECT 1 FROM payments.payouts WHERE source_id = $1 AND status = 'PAID'`, [campaign.id]))[0],
          20_000,
          'the payout to be paid',
        );
        expect(await apiA.sql(`SELECT amount::int, status FROM payments.payouts WHERE source_id = $1`, [campaign.id])).toEqual([
          { amount: 3325, status: 'PAID' },
        ]);
        expect(
          (await apiA.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1`, [campaign.id])).map(
            (row) => row.kind,
          ),
        ).toEqual(['campaign.payout']);
        const succeeded = await eventually(
          async () =>
            (
              await apiA.sql(
                `SELECT id FROM community.notifications WHERE recipient_id = $1 AND kind = 'CAMPAIGN_SUCCEEDED' AND subject_id = $2`,
                [creator.id, campaign.id],
              )
            ).length || null,
          10_000,
          'the CAMPAIGN_SUCCEEDED notification',
        );
        expect(succeeded).toBe(1);
        // The settlement's transition ran once, in the worker.
        expect(await ranInWorkerOnly(`campaign ${campaign.id} ended SUCCESSFUL`)).toEqual([1, 1]);
      }
      await expectLedgerSound(apiA);
    });

    it("each contest's round timers fire once, in the worker: qualifying round closed, then canceled and refunded once", async () => {
      const holders = await Promise.all([signUp(apiA), signUp(apiB)]);
      const contests = [
        await openContest(apiA, holders[0], { qualifyingRoundSeconds: 1 }),
        await openContest(apiB, holders[1], { qualifyingRoundSeconds: 1 }),
      ];
      for (const contest of contests) {
        await waitForContestStatus(apiA, contest.id, 'CANCELED');
        expect(await journalKinds(apiA, contest.id)).toEqual(['contest.opened', 'contest.refunded']);
        expect(await contestEscrow(apiA, contest.id)).toBe(0);
        const refunds = (await providerCalls(apiA, contest.id)).filter((call) => call.operation === 'refund');
        expect(refunds).toHaveLength(1);
        expect(await ranInWorkerOnly(`contest ${contest.id}: deadline: OPEN -> FINALIST_SELECTION`)).toEqual([1, 1]);
        expect(await ranInWorkerOnly(`contest ${contest.id}: deadline: FINALIST_SELECTION -> CANCELED`)).toEqual([1, 1]);
      }
      await expectLedgerSound(apiA);
    });
  },
);
