/**
 * The analysts' graph on a known dataset: two campaigns in two currencies (and a third still
 * live), a refunded pledge, a canceled and refunded contest and a split prize, written straight
 * into the module tables (the analytics triggers keep the rollups as the modules' own writes
 * would). Every figure is asserted exactly, for all time and for a window whose bounds fall
 * inside hours and days (the edges come from the source rows). Then the CSV exports, who may
 * read any of it, and the foule_analyst role's reach.
 */
import { Client } from 'pg';
import request from 'supertest';
import { AnalyticsAsOfDocument, AnalyticsOverviewDocument, AnalyticsTimelineDocument, AnalyticsTopDesignersDocument } from './documents/graphql';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { signUpWithRole } from './support/payments-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

const id = (prefix: string, n: number) => `${prefix}_01J${String(n).padStart(23, '0')}`;
const C1 = id('cmp', 1);
const C2 = id('cmp', 2);
const C3 = id('cmp', 3);
const K1 = id('ctt', 1);
const K2 = id('ctt', 2);
const K3 = id('ctt', 3);
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('analytics', () => {
  let app: TestApp;
  let analyst: SignedUpProfile;
  let admin: SignedUpProfile;
  let member: SignedUpProfile;
  let alice: SignedUpProfile; // creator of C1 and C3, holder of K2 (canceled)
  let bob: SignedUpProfile; // backer and designer: wins K1, shares K3
  let carol: SignedUpProfile; // backer, refunded
  let dan: SignedUpProfile; // designer, shares K3
  let eve: SignedUpProfile; // creator of C2 (failed), holder of K1 and K3

  beforeAll(async () => {
    app = await createTestApp();
    [analyst, admin, member, alice, bob, carol, dan, eve] = await Promise.all([
      signUpWithRole(app, 'ANALYST'),
      signUpAdmin(app),
      signUp(app),
      signUp(app),
      signUp(app),
      signUp(app),
      signUp(app),
      signUp(app),
    ]);
    await seedKnownDataset(app, { alice: alice.id, bob: bob.id, carol: carol.id, dan: dan.id, eve: eve.id });
  });
  afterAll(() => app.close());

  it('answers the overview, the crowd overlap and the categories of all time exactly, money per currency', async () => {
    const result = await app.gql(AnalyticsOverviewDocument, {}, analyst.token);
    expect(result.errors).toBeUndefined();
    const { overview, crowdOverlap, categories, asOf } = result.data!.analytics;
    expect(Math.abs(new Date(asOf).getTime() - Date.now())).toBeLessThan(60_000);
    expect(overview).toEqual({
      campaignsLaunched: 3,
      campaignsSuccessful: 1,
      campaignsFailed: 1,
      successRate: 0.5,
      pledgedVolume: [eur(9000), usd(2000)],
      collectedVolume: [eur(5000)], // 5000 + 3000 collected, 3000 refunded
      platformFees: [eur(2250), usd(900)], // 250 campaign fee + 2000 + 1000 - 1000 (K2 refunded) ; 900 on K3
      contestsOpened: 3,
      contestsCompleted: 2,
      entriesSubmitted: 6,
      averageEntriesPerContest: 2,
      prizeVolume: [eur(20000), usd(9000)],
      activeProfiles: 5,
    });
    expect(crowdOverlap).toEqual({ backers: 2, designers: 2, creators: 2, backersWhoDesign: 1, creatorsRunningBoth: 2 });
    expect(categories).toEqual([
      { category: 'Design', campaigns: 1, successRate: 0, contests: 2, averageEntriesPerContest: 2.5 },
      { category: 'Games', campaigns: 2, successRate: 0.5, contests: 0, averageEntriesPerContest: 0 },
      { category: 'Logos', campaigns: 0, successRate: 0, contests: 1, averageEntriesPerContest: 1 },
    ]);
  });

  it('is exact for a window whose bounds fall inside an hour and a day', async () => {
    const result = await app.gql(AnalyticsOverviewDocument, { from: '2025-03-05T10:30:00Z', to: '2025-03-20T10:00:00.500Z' }, admin.token);
    expect(result.errors).toBeUndefined();
    const { overview, crowdOverlap, categories } = result.data!.analytics;
    expect(overview).toEqual({
      campaignsLaunched: 1,
      campaignsSuccessful: 1,
      campaignsFailed: 0,
      successRate: 1,
      pledgedVolume: [eur(4000), usd(2000)], // P1 (10:15) is outside, P2 (10:45) inside
      collectedVolume: [eur(5000)], // J1 at 10:00:00 inside, J2 at 10:00:01 outside
      platformFees: [eur(-1000)], // only K2's refunded fee
      contestsOpened: 0,
      contestsCompleted: 0,
      entriesSubmitted: 6,
      averageEntriesPerContest: 0,
      prizeVolume: [],
      activeProfiles: 4,
    });
    expect(crowdOverlap).toEqual({ backers: 2, designers: 2, creators: 1, backersWhoDesign: 1, creatorsRunningBoth: 0 });
    expect(categories).toEqual([{ category: 'Design', campaigns: 1, successRate: 0, contests: 0, averageEntriesPerContest: 0 }]);
  });

  it('counts the crowd of a window open on one side (from the per-profile rollup) as the same window closed far away', async () => {
    const crowd = async (window: { from?: string; to?: string }) => {
      const result = await app.gql(AnalyticsOverviewDocument, window, analyst.token);
      expect(result.errors).toBeUndefined();
      return { active: result.data!.analytics.overview.activeProfiles, ...result.data!.analytics.crowdOverlap };
    };
    const [farPast, farFuture] = ['1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'];
    for (const at of ['2025-03-05T10:30:00Z', '2025-03-20T10:00:00.500Z', '2025-03-28T00:00:00Z']) {
      expect(await crowd({ from: at })).toEqual(await crowd({ from: at, to: farFuture }));
      expect(await crowd({ to: at })).toEqual(await crowd({ from: farPast, to: at }));
    }
    expect(await crowd({ from: '2100-01-01T00:00:00Z' })).toEqual({
      active: 0, backers: 0, designers: 0, creators: 0, backersWhoDesign: 0, creatorsRunningBoth: 0,
    });
  });

  it('lists a campaign timeline and the platform timeline bucket by bucket, empty buckets included', async () => {
    const campaign = await app.gql(AnalyticsTimelineDocument, { campaignId: C1, from: '2025-03-05T00:00:00Z', to: '2025-03-07T00:00:00Z' }, analyst.token);
    expect(campaign.errors).toBeUndefined();
    expect(campaign.data!.analytics.fundingTimeline).toEqual([
      { bucket: '2025-03-05T00:00:00.000Z', pledgesCount: 2, newBackers: 2, pledged: [eur(8000)] },
      { bucket: '2025-03-06T00:00:00.000Z', pledgesCount: 0, newBackers: 0, pledged: [] },
    ]);
    const hours = await app.gql(AnalyticsTimelineDocument, { from: '2025-03-05T10:00:00Z', to: '2025-03-05T12:00:00Z', bucket: 'HOUR' }, analyst.token);
    expect(hours.data!.analytics.fundingTimeline).toEqual([
      { bucket: '2025-03-05T10:00:00.000Z', pledgesCount: 2, newBackers: 2, pledged: [eur(8000)] },
      { bucket: '2025-03-05T11:00:00.000Z', pledgesCount: 0, newBackers: 0, pledged: [] },
    ]);
    const days = await app.gql(AnalyticsTimelineDocument, { from: '2025-03-05T10:30:00Z', to: '2025-03-07T00:00:00Z', bucket: 'DAY' }, analyst.token);
    expect(days.data!.analytics.fundingTimeline).toEqual([
      { bucket: '2025-03-05T00:00:00.000Z', pledgesCount: 1, newBackers: 1, pledged: [eur(3000)] }, // carol's first
      { bucket: '2025-03-06T00:00:00.000Z', pledgesCount: 1, newBackers: 0, pledged: [usd(2000)] }, // bob backed before
    ]);
    const months = await app.gql(AnalyticsTimelineDocument, { from: '2025-02-10T00:00:00Z', to: '2025-04-01T00:00:00Z', bucket: 'MONTH' }, analyst.token);
    expect(months.data!.analytics.fundingTimeline).toEqual([
      { bucket: '2025-02-01T00:00:00.000Z', pledgesCount: 0, newBackers: 0, pledged: [] },
      { bucket: '2025-03-01T00:00:00.000Z', pledgesCount: 4, newBackers: 2, pledged: [eur(9000), usd(2000)] },
    ]);
  });

  it('refuses a timeline of an unknown campaign, a backwards window and too many buckets', async () => {
    const window = { from: '2025-03-05T00:00:00Z', to: '2025-03-07T00:00:00Z' };
    expect(errorCode(await app.gql(AnalyticsTimelineDocument, { ...window, campaignId: K1 }, analyst.token))).toBe('NOT_FOUND');
    expect(errorCode(await app.gql(AnalyticsTimelineDocument, { ...window, campaignId: id('cmp', 99) }, analyst.token))).toBe('NOT_FOUND');
    const backwards = await app.gql(AnalyticsTimelineDocument, { from: window.to, to: window.from }, analyst.token);
    expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'to' }] });
    const tooMany = await app.gql(AnalyticsTimelineDocument, { from: '2020-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z', bucket: 'HOUR' }, analyst.token);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'bucket' }] });
  });

  it('ranks designers by wins, a share of a split prize counting as a win', async () => {
    const result = await app.gql(AnalyticsTopDesignersDocument, { first: 10 }, analyst.token);
    expect(result.errors).toBeUndefined();
    expect(result.data!.analytics.topDesigners).toEqual([
      { designer: { id: bob.id, handle: bob.handle, displayName: `Test ${bob.handle}` }, entries: 2, finalists: 2, wins: 2, winRate: 1, averageRating: 4 },
      { designer: { id: dan.id, handle: dan.handle, displayName: `Test ${dan.handle}` }, entries: 4, finalists: 2, wins: 1, winRate: 0.25, averageRating: 3 },
    ]);
    expect(errorCode(await app.gql(AnalyticsTopDesignersDocument, { first: 101 }, analyst.token))).toBe('BAD_USER_INPUT');
  });

  it('counts each field\'s cost: 28 rankings of 100 designers are refused before they run', async () => {
    // A generated, deliberately too costly document (a string, not a typed document): each ranking costs 20 + 100 x 9.
    const ranking = (i: number) => `r${i}: topDesigners(first: 100) { designer { id handle displayName } entries finalists wins winRate averageRating }`;
    const costly = await app.gql(`{ analytics { ${Array.from({ length: 28 }, (_, i) => ranking(i)).join(' ')} } }`, {}, analyst.token);
    expect(costly.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(costly.errors?.[0].message).toMatch(/would cost \d+/);
    const fine = await app.gql(`{ analytics { ${ranking(0)} } }`, {}, analyst.token);
    expect(fine.errors).toBeUndefined();
  });

  it('is for ANALYST and ADMIN only', async () => {
    expect(errorCode(await app.gql(AnalyticsAsOfDocument, {}, member.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(AnalyticsAsOfDocument, {}))).toBe('UNAUTHENTICATED');
    expect((await app.gql(AnalyticsAsOfDocument, {}, admin.token)).errors).toBeUndefined();
  });

  describe('CSV exports', () => {
    const get = (path: string, token?: string) => {
      const call = request(app.baseUrl).get(path);
      if (token) call.set('authorization', `Bearer ${token}`);
      return call.buffer(true).parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      });
    };

    it('exports the ledger: one row per movement, oldest first, with gross, fees and net', async () => {
      const response = await get('/analytics/export/ledger.csv', analyst.token);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.body).toBe(
        [
          'movement_id,effective_at,kind,reference,currency,gross,fees,net',
          `${id('jre', 5)},2025-03-03T00:00:00.000Z,contest.opened,${K1},EUR,22000,2000,20000`,
          `${id('jre', 6)},2025-03-04T00:00:00.000Z,contest.opened,${K2},EUR,11000,1000,10000`,
          `${id('jre', 8)},2025-03-05T00:00:00.000Z,contest.opened,${K3},USD,9900,900,9000`,
          `${id('jre', 7)},2025-03-10T00:00:00.000Z,contest.refunded,${K2},EUR,-11000,-1000,-10000`,
          `${id('jre', 1)},2025-03-20T10:00:00.000Z,pledge.collected,${id('pld', 1)},EUR,5000,0,5000`,
          `${id('jre', 2)},2025-03-20T10:00:01.000Z,pledge.collected,${id('pld', 2)},EUR,3000,0,3000`,
          `${id('jre', 3)},2025-03-21T08:00:00.000Z,pledge.refunded,${id('pld', 2)},EUR,-3000,0,-3000`,
          `${id('jre', 10)},2025-03-27T00:00:00.000Z,contest.prize_split,${K3},USD,9000,0,9000`,
          `${id('jre', 9)},2025-03-28T00:00:00.000Z,contest.prize_awarded,${K1},EUR,20000,0,20000`,
          `${id('jre', 4)},2025-04-03T10:00:00.000Z,campaign.payout,${C1},EUR,5000,250,4750`,
          '',
        ].join('\r\n'),
      );
    });

    it('exports pledge movements in a window, RFC 4180 quoted and formula-safe', async () => {
      const response = await get('/analytics/export/pledges.csv?from=2025-03-20T00:00:00Z&to=2025-03-21T00:00:00Z', admin.token);
      expect(response.status).toBe(200);
      const title = `"'=HYPERLINK(""http://evil.example"",""win"")"`;
      expect(response.body).toBe(
        [
          'movement_id,effective_at,kind,pledge_id,campaign_id,campaign_title,backer_id,backer_handle,currency,gross,fees,net',
          `${id('jre', 1)},2025-03-20T10:00:00.000Z,pledge.collected,${id('pld', 1)},${C1},${title},${bob.id},${bob.handle},EUR,5000,0,5000`,
          `${id('jre', 2)},2025-03-20T10:00:01.000Z,pledge.collected,${id('pld', 2)},${C1},${title},${carol.id},${carol.handle},EUR,3000,0,3000`,
          '',
        ].join('\r\n'),
      );
    });

    it('exports contest movements, quoting commas, quotes and line breaks', async () => {
      const response = await get('/analytics/export/contests.csv?to=2025-03-05T00:00:00Z', analyst.token);
      expect(response.status).toBe(200);
      expect(response.body).toBe(
        [
          'movement_id,effective_at,kind,contest_id,contest_title,holder_id,currency,gross,fees,net',
          `${id('jre', 5)},2025-03-03T00:00:00.000Z,contest.opened,${K1},'+1 logo,${eve.id},EUR,22000,2000,20000`,
          `${id('jre', 6)},2025-03-04T00:00:00.000Z,contest.opened,${K2},"Logo, ""bold""\nnew",${alice.id},EUR,11000,1000,10000`,
          '',
        ].join('\r\n'),
      );
    });

    it('answers 401 without a token, 403 to a member, 404 for an unknown export and 400 for a bad date', async () => {
      expect((await get('/analytics/export/ledger.csv')).status).toBe(401);
      expect((await get('/analytics/export/ledger.csv', member.token)).status).toBe(403);
      expect((await get('/analytics/export/payroll.csv', analyst.token)).status).toBe(404);
      const bad = await get('/analytics/export/ledger.csv?from=yesterday', analyst.token);
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body as string).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'from' }] });
    });
  });

  describe('the foule_analyst role', () => {
    async function asAnalyst<T>(sql: string): Promise<T[]> {
      const client = new Client({ connectionString: app.databaseUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE foule_analyst');
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      }
    }

    it('reads the analytics views and rollups, where profiles have no email', async () => {
      expect(await asAnalyst(`SELECT count(*)::int AS n FROM analytics.pledges`)).toEqual([{ n: 4 }]);
      expect(await asAnalyst(`SELECT count(*)::int AS n FROM analytics.designer_stats`)).toEqual([{ n: 2 }]);
      const columns = await app.sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'profiles' ORDER BY 1`);
      expect(columns.map((row) => row.column_name)).toEqual(['created_at', 'display_name', 'handle', 'id']);
    });

    it('cannot read community.profiles.email, nor any table outside analytics', async () => {
      await expect(asAnalyst(`SELECT email FROM community.profiles`)).rejects.toThrow(/permission denied/);
      const tables = await app.sql<{ name: string }>(
        `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
          WHERE schemaname NOT IN ('analytics', 'pg_catalog', 'information_schema') ORDER BY 1`,
      );
      expect(tables.length).toBeGreaterThan(20);
      const readable: string[] = [];
      for (const { name } of tables) {
        const read = await asAnalyst(`SELECT 1 FROM ${name} LIMIT 1`).then(
          () => true,
          (error: Error) => (/permission denied/.test(error.message) ? false : Promise.reject(error)),
        );
        if (read) readable.push(name);
      }
      expect(readable).toEqual([]);
    });
  });
});

/** The known dataset, in the module tables, at fixed instants (UTC). */
async function seedKnownDataset(app: TestApp, p: Record<'alice' | 'bob' | 'carol' | 'dan' | 'eve', string>): Promise<void> {
  const campaign = (cid: string, creator: string, title: string, category: string, status: string, currency: string, launched: string, ended: string | null) =>
    app.sql(
      `INSERT INTO funding.campaigns (id, slug, title, blurb, description, category, category_key, creator_id, status, funding_model, goal_amount,
                                      currency, deadline, launched_at, ended_at, secret_reward_token)
       VALUES ($1, $1, $2, 'b', 'd', $3, lower($3), $4, $5, 'ALL_OR_NOTHING', 4000, $6, '2025-04-01T00:00:00Z', $7, $8, 'token')`,
      [cid, title, category, creator, status, currency, launched, ended],
    );
  await campaign(C1, p.alice, '=HYPERLINK("http://evil.example","win")', 'Games', 'SUCCESSFUL', 'EUR', '2025-03-01T10:00:00Z', '2025-03-20T10:00:00Z');
  await campaign(C2, p.eve, 'Second', 'Games', 'FAILED', 'USD', '2025-03-02T00:00:00Z', '2025-03-25T00:00:00Z');
  await campaign(C3, p.alice, 'Third', 'Design', 'LIVE', 'EUR', '2025-03-10T12:30:00Z', null);

  const pledge = (n: number, cid: string, backer: string, amount: number, currency: string, status: string, created: string) =>
    app.sql(
      `INSERT INTO funding.pledges (id, campaign_id, backer_id, amount, currency, status, charge_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id('pld', n), cid, backer, amount, currency, status, ['COLLECTED', 'REFUNDED'].includes(status) ? `ch_${n}` : null, created],
    );
  await pledge(1, C1, p.bob, 5000, 'EUR', 'COLLECTED', '2025-03-05T10:15:00Z');
  await pledge(2, C1, p.carol, 3000, 'EUR', 'REFUNDED', '2025-03-05T10:45:00Z');
  await pledge(3, C2, p.bob, 2000, 'USD', 'CANCELED', '2025-03-06T09:00:00Z');
  await pledge(4, C3, p.carol, 1000, 'EUR', 'PENDING', '2025-03-15T23:30:00Z');

  const contest = (
    cid: string,
    holder: string,
    title: string,
    category: string,
    status: string,
    prize: number,
    currency: string,
    entries: number,
    times: { opened: string; completed?: string; canceled?: string },
  ) =>
    app.sql(
      `INSERT INTO contest.contests (id, holder_id, title, brief, category, category_key, status, prize_amount, fee_amount, currency, guaranteed, blind,
                                     max_finalists, qualifying_round_seconds, final_round_seconds, entries_numbered, charge_id, opened_at, completed_at,
                                     canceled_at, refunded_at)
       VALUES ($1, $2, $3, 'brief', $4, lower($4), $5, $6, $12, $7, true, false, 3, 86400, 86400, $8, $13, $9, $10, $11, $11)`,
      [cid, holder, title, category, status, prize, currency, entries, times.opened, times.completed ?? null, times.canceled ?? null, prize / 10, `ch_${cid}`],
    );
  await contest(K1, p.eve, '+1 logo', 'Design', 'COMPLETED', 20000, 'EUR', 3, { opened: '2025-03-03T00:00:00Z', completed: '2025-03-28T00:00:00Z' });
  await contest(K2, p.alice, 'Logo, "bold"\nnew', 'Logos', 'CANCELED', 10000, 'EUR', 1, { opened: '2025-03-04T00:00:00Z', canceled: '2025-03-10T00:00:00Z' });
  await contest(K3, p.eve, 'Packaging', 'Design', 'COMPLETED', 9000, 'USD', 2, { opened: '2025-03-05T00:00:00Z', completed: '2025-03-27T00:00:00Z' });

  const entry = (n: number, cid: string, designer: string, number: number, status: string, rating: number | null, submitted: string) =>
    app.sql(
      `INSERT INTO contest.entries (id, contest_id, designer_id, number, status, rating, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id('ent', n), cid, designer, number, status, rating, submitted],
    );
  await entry(1, K1, p.bob, 1, 'WINNER', 5, '2025-03-06T10:00:00Z');
  await entry(2, K1, p.dan, 2, 'ELIMINATED', 2, '2025-03-07T10:00:00Z');
  await entry(3, K1, p.dan, 3, 'FINALIST', 4, '2025-03-07T11:00:00Z');
  await entry(4, K2, p.dan, 1, 'ACTIVE', null, '2025-03-08T10:00:00Z');
  await entry(5, K3, p.bob, 1, 'FINALIST', 3, '2025-03-09T10:00:00Z');
  await entry(6, K3, p.dan, 2, 'FINALIST', null, '2025-03-09T11:00:00Z');

  // Journal entries in time order (escrow is credited before it is debited).
  const movements: [number, string, string, string, [string, number][], string][] = [
    [5, 'contest.opened', K1, '2025-03-03T00:00:00Z', [['external:stripe', -22000], [`contest:${K1}:escrow`, 20000], ['platform:fees', 2000]], 'EUR'],
    [6, 'contest.opened', K2, '2025-03-04T00:00:00Z', [['external:stripe', -11000], [`contest:${K2}:escrow`, 10000], ['platform:fees', 1000]], 'EUR'],
    [8, 'contest.opened', K3, '2025-03-05T00:00:00Z', [['external:stripe', -9900], [`contest:${K3}:escrow`, 9000], ['platform:fees', 900]], 'USD'],
    [7, 'contest.refunded', K2, '2025-03-10T00:00:00Z', [['external:stripe', 11000], [`contest:${K2}:escrow`, -10000], ['platform:fees', -1000]], 'EUR'],
    [1, 'pledge.collected', id('pld', 1), '2025-03-20T10:00:00Z', [['external:stripe', -5000], [`campaign:${C1}:escrow`, 5000]], 'EUR'],
    [2, 'pledge.collected', id('pld', 2), '2025-03-20T10:00:01Z', [['external:stripe', -3000], [`campaign:${C1}:escrow`, 3000]], 'EUR'],
    [3, 'pledge.refunded', id('pld', 2), '2025-03-21T08:00:00Z', [[`campaign:${C1}:escrow`, -3000], ['external:stripe', 3000]], 'EUR'],
    [10, 'contest.prize_split', K3, '2025-03-27T00:00:00Z', [[`contest:${K3}:escrow`, -9000], [`profile:${p.bob}:payable`, 4500], [`profile:${p.dan}:payable`, 4500]], 'USD'],
    [9, 'contest.prize_awarded', K1, '2025-03-28T00:00:00Z', [[`contest:${K1}:escrow`, -20000], [`profile:${p.bob}:payable`, 20000]], 'EUR'],
    [4, 'campaign.payout', C1, '2025-04-03T10:00:00Z', [[`campaign:${C1}:escrow`, -5000], ['platform:fees', 250], [`profile:${p.alice}:payable`, 4750]], 'EUR'],
  ];
  for (const [n, kind, reference, at, postings, currency] of movements) {
    // One transaction per entry: the ledger checks at commit that the entry balances.
    await app.sql('BEGIN');
    await app.sql(`INSERT INTO payments.journal_entries (id, kind, reference, created_at) VALUES ($1, $2, $3, $4)`, [id('jre', n), kind, reference, at]);
    for (const [i, [account, amount]] of postings.entries()) {
      await app.sql(
        `INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [`${id('jre', n)}_${i}`, id('jre', n), account, amount, currency, at],
      );
    }
    await app.sql('COMMIT');
  }
  await app.sql(
    `INSERT INTO contest.prize_awards (contest_id, designer_id, kind, amount, currency, payout_id, created_at) VALUES
       ($1, $4, 'WINNER', 20000, 'EUR', 'pay_1', '2025-03-28T00:00:00Z'),
       ($2, $4, 'SPLIT', 4500, 'USD', 'pay_2', '2025-03-27T00:00:00Z'),
       ($2, $3, 'SPLIT', 4500, 'USD', 'pay_3', '2025-03-27T00:00:00Z')`,
    [K1, K3, p.dan, p.bob],
  );
}
