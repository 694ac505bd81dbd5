/**
 * Notifications from the modules' facts, through the outbox: who is told what, reading them,
 * and delivery that survives a crash (nothing lost) and a replay (nothing doubled).
 */
import { createTestApp, type TestApp } from './support/test-app';
import { signUp } from './support/fixtures';
import { eventually } from './support/payments-fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { notificationsOf, subscribeToNotifications, waitForNotification } from './support/community-fixtures';

const REDIS_URL = process.env.FOULE_TEST_REDIS_URL;
const withRedis = REDIS_URL ? it : it.skip;

const postUpdate = (app: TestApp, token: string, campaignId: string, backersOnly: boolean) =>
  app.gql(
    `mutation($id: ID!, $input: CampaignUpdateInput!) { postCampaignUpdate(campaignId: $id, input: $input) { id } }`,
    { id: campaignId, input: { title: backersOnly ? 'For backers' : 'For everyone', body: 'News', backersOnly } },
    token,
  );

describe('notifications', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, PAYMENT_RETRY_WINDOW_SECONDS: '3', ...(REDIS_URL ? { REDIS_URL } : {}) });
  });
  afterAll(() => app.close());

  it('tells a creator of each pledge and of each new follower, once', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator);
    const backer = await signUp(app);
    const made = ok(await pledge(app, backer, { campaignId: campaign.id, amount: 1250 }), 'pledge');
    const received = await waitForNotification(app, creator, 'PLEDGE_RECEIVED', made.id);
    expect(received).toMatchObject({ read: false, readAt: null, relatedIds: [campaign.id] });
    expect(received.message).toContain('€12.50');

    const follow = `mutation($id: ID!) { follow(profileId: $id) { id } }`;
    ok(await app.gql(follow, { id: creator.id }, backer.token), 'follow');
    ok(await app.gql(`mutation($id: ID!) { unfollow(profileId: $id) { id } }`, { id: creator.id }, backer.token), 'unfollow');
    ok(await app.gql(follow, { id: creator.id }, backer.token), 'follow');
    await waitForNotification(app, creator, 'NEW_FOLLOWER', backer.id);
    expect(await notificationsOf(app, backer)).toEqual([]);
    // Following again after unfollowing is not news: the outbox holds that fact once.
    const [{ n }] = await app.sql(
      `SELECT count(*)::int AS n FROM community.notifications WHERE recipient_id = $1 AND kind = 'NEW_FOLLOWER'`,
      [creator.id],
    );
    expect(n).toBe(1);
  });

  it('sends a public update to backers and followers, a backers-only one to backers only, never to its author', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator);
    const [backer, follower] = [await signUp(app), await signUp(app)];
    ok(await pledge(app, backer, { campaignId: campaign.id, amount: 900 }), 'pledge');
    ok(await app.gql(`mutation($id: ID!) { follow(profileId: $id) { id } }`, { id: creator.id }, follower.token), 'follow');
    const publicUpdate = ok(await postUpdate(app, creator.token, campaign.id, false), 'postCampaignUpdate');
    const backersUpdate = ok(await postUpdate(app, creator.token, campaign.id, true), 'postCampaignUpdate');

    await waitForNotification(app, backer, 'UPDATE_POSTED', publicUpdate.id);
    await waitForNotification(app, backer, 'UPDATE_POSTED', backersUpdate.id);
    await waitForNotification(app, follower, 'UPDATE_POSTED', publicUpdate.id);
    // Both facts are delivered (outbox stamped) before we look for what must not be there.
    await eventually(async () => {
      const rows = await app.sql(`SELECT 1 FROM community.notification_outbox WHERE key = ANY($1) AND delivered_at IS NOT NULL`, [
        [`funding.update.posted:${publicUpdate.id}`, `funding.update.posted:${backersUpdate.id}`],
      ]);
      return rows.length === 2 || null;
    });
    expect((await notificationsOf(app, follower)).filter((n) => n.subjectId === backersUpdate.id)).toEqual([]);
    expect((await notificationsOf(app, creator)).filter((n) => n.kind === 'UPDATE_POSTED')).toEqual([]);
  });

  it('tells how a campaign ended, a failed payment how to fix it and by when, a drop, and the payout', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator, { goal: 1000, deadlineSeconds: 3 });
    const [payer, failer] = [await signUp(app), await signUp(app)];
    ok(await pledge(app, payer, { campaignId: campaign.id, amount: 1500 }), 'pledge');
    const failing = ok(
      await pledge(app, failer, { campaignId: campaign.id, amount: 700, paymentMethodId: 'pm_card_chargeCustomerFail' }),
      'pledge',
    );
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');

    for (const profile of [creator, payer, failer]) await waitForNotification(app, profile, 'CAMPAIGN_SUCCEEDED', campaign.id);
    const failed = await waitForNotification(app, failer, 'PAYMENT_FAILED', failing.id);
    expect(failed.message).toContain(`retryPledgePayment(id: "${failing.id}"`);
    expect(failed.message).toMatch(/before \d{4}-\d\d-\d\dT/);
    await waitForNotification(app, failer, 'PLEDGE_DROPPED', failing.id, 30_000);
    await waitForNotification(app, creator, 'PAYOUT_PAID', undefined, 30_000);
    expect((await notificationsOf(app, payer)).map((n) => n.kind)).toEqual(['CAMPAIGN_SUCCEEDED']);
  });

  it('tells the creator and every backer that a campaign failed', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator, { goal: 100_000, deadlineSeconds: 3 });
    const [backer, canceler] = [await signUp(app), await signUp(app)];
    ok(await pledge(app, backer, { campaignId: campaign.id, amount: 500 }), 'pledge');
    const canceled = ok(await pledge(app, canceler, { campaignId: campaign.id, amount: 500 }), 'pledge');
    ok(await app.gql(`mutation($id: ID!) { cancelPledge(id: $id) { id } }`, { id: canceled.id }, canceler.token), 'cancelPledge');
    await waitForStatus(app, campaign.id, 'FAILED');
    await waitForNotification(app, creator, 'CAMPAIGN_FAILED', campaign.id);
    await waitForNotification(app, backer, 'CAMPAIGN_FAILED', campaign.id);
    // Who canceled before the end is no longer a backer.
    expect(await notificationsOf(app, canceler)).toEqual([]);
  });

  it('marks read only the viewer’s own notifications, ignoring anyone else’s ids, and counts what changed', async () => {
    const creator = await signUpCreator(app);
    const other = await signUpCreator(app);
    const [campaign, otherCampaign] = [await liveCampaign(app, creator), await liveCampaign(app, other)];
    const backers = [await signUp(app), await signUp(app)];
    for (const backer of backers) ok(await pledge(app, backer, { campaignId: campaign.id, amount: 500 }), 'pledge');
    ok(await pledge(app, backers[0], { campaignId: otherCampaign.id, amount: 500 }), 'pledge');
    await eventually(async () => (await notificationsOf(app, creator)).length === 2 || null);
    const theirs = await waitForNotification(app, other, 'PLEDGE_RECEIVED');
    const [first, second] = await notificationsOf(app, creator);

    const mark = (ids: string[] | null) =>
      app.gql(`mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`, { ids }, creator.token);
    expect(ok(await mark([first.id, theirs.id, 'ntf_nonsense']), 'markNotificationsRead')).toBe(1);
    expect(ok(await mark([first.id]), 'markNotificationsRead')).toBe(0);
    expect((await notificationsOf(app, creator, true)).map((n) => n.id)).toEqual([second.id]);
    expect((await notificationsOf(app, other))[0]).toMatchObject({ id: theirs.id, read: false });
    expect(ok(await mark(null), 'markNotificationsRead')).toBe(1);
    expect(await notificationsOf(app, creator, true)).toEqual([]);
    expect((await app.gql(`{ notifications { totalCount } }`)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('delivers 10,000 backers’ notices of one update in batches', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator);
    // Backers by SQL: signing up 10,000 profiles is not what this measures.
    await app.sql(
      `INSERT INTO funding.pledges (id, campaign_id, backer_id, amount, currency, status)
       SELECT 'pld_' || lpad(i::text, 26, '0'), $1, 'prf_' || lpad(i::text, 26, '0'), 500, 'EUR', 'PENDING' FROM generate_series(1, 10000) AS i`,
      [campaign.id],
    );
    // Every one of them wants UPDATE_POSTED by email: the emails are queued in batches too.
    await app.sql(
      `INSERT INTO community.notification_settings (profile_id, email_kinds)
       SELECT 'prf_' || lpad(i::text, 26, '0'), ARRAY['UPDATE_POSTED'] FROM generate_series(1, 10000) AS i`,
    );
    const started = Date.now();
    const update = ok(await postUpdate(app, creator.token, campaign.id, true), 'postCampaignUpdate');
    await eventually(
      async () => {
        const [{ n }] = await app.sql(`SELECT count(*)::int AS n FROM community.notifications WHERE event_key = $1`, [
          `funding.update.posted:${update.id}`,
        ]);
        return n === 10_000 || null;
      },
      60_000,
      '10,000 notifications',
    );
    console.log(`fan-out: 10,000 UPDATE_POSTED notifications delivered ${Date.now() - started} ms after the update was posted`);
    // Committed with the notifications: 10,000 emails in jobs of 50 (written by one INSERT per batch of notifications).
    const [queued] = await app.sql<{ jobs: number; emails: number }>(
      `SELECT count(DISTINCT j.id)::int AS jobs, count(*)::int AS emails
         FROM pgboss.job j CROSS JOIN jsonb_array_elements_text(j.data->'notificationIds') AS e(id)
         JOIN community.notifications n ON n.id = e.id
        WHERE j.name = 'community.email.send' AND n.event_key = $1`,
      [`funding.update.posted:${update.id}`],
    );
    expect(queued).toEqual({ jobs: 200, emails: 10_000 });
  });

  withRedis('pushes notificationAdded to its recipient only, across api instances through Redis', async () => {
    const peer = await app.startPeer();
    const creator = await signUpCreator(app);
    const bystander = await signUp(app);
    const campaign = await liveCampaign(app, creator);
    const [mine, theirs] = [
      await subscribeToNotifications(app, creator, peer),
      await subscribeToNotifications(app, bystander, peer),
    ];
    try {
      const backer = await signUp(app);
      const made = ok(await pledge(app, backer, { campaignId: campaign.id, amount: 800 }), 'pledge');
      const pushed = await eventually(
        async () => mine.events.find((n) => n.kind === 'PLEDGE_RECEIVED'),
        10_000,
        'the pushed notification',
      );
      expect(pushed).toMatchObject({ subjectId: made.id, read: false, readAt: null });
      expect(pushed.id).toBe((await waitForNotification(app, creator, 'PLEDGE_RECEIVED')).id);
      expect(theirs.events).toEqual([]);
      expect([...mine.errors, ...theirs.errors]).toEqual([]);
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
      await peer.stop();
    }
  });
});

describe('notifications: the outbox under a crash and a replay', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(FUNDING_TEST_ENV);
  });
  afterAll(() => app.close());

  const alive = async () => {
    try {
      return (await fetch(`${app.baseUrl}/health`)).ok;
    } catch {
      return false;
    }
  };
  const received = (creatorId: string) =>
    app.sql(`SELECT id, event_key FROM community.notifications WHERE recipient_id = $1 AND kind = 'PLEDGE_RECEIVED'`, [
      creatorId,
    ]);

  it('a process killed after the pledge committed and before anyone was told: after restart the creator is told, once; a replayed delivery adds nothing', async () => {
    // The scene is set on a healthy api: launching tells the campaign's followers (an outbox row of
    // its own), and a relay armed to crash would die on that one, before the pledge is made.
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator);
    const backer = await signUp(app);
    await eventually(async () => {
      const [row] = await app.sql(`SELECT delivered_at FROM community.notification_outbox WHERE key = $1`, [
        `funding.campaign.launched:${campaign.id}`,
      ]);
      return row?.delivered_at ?? null;
    });
    await app.crash();
    await app.restart({ FOULE_FAULT: 'crash-before:notifications.delivery' });
    // The relay may kill the process before the pledge's own response is written (the job starts
    // the moment the pledge commits), so the pledge is read from the database, not from the reply.
    await pledge(app, backer, { campaignId: campaign.id, amount: 1000 }).catch(() => undefined);
    await eventually(async () => !(await alive()), 20_000, 'the api to kill itself before delivering');
    const [made] = await app.sql<{ id: string }>(`SELECT id FROM funding.pledges WHERE backer_id = $1`, [backer.id]);
    expect(await app.sql(`SELECT status FROM funding.pledges WHERE id = $1`, [made.id])).toEqual([{ status: 'PENDING' }]);
    expect(
      await app.sql(`SELECT delivered_at FROM community.notification_outbox WHERE key = $1`, [
        `funding.pledge.created:${made.id}`,
      ]),
    ).toEqual([{ delivered_at: null }]);
    expect(await received(creator.id)).toEqual([]);

    await app.restart({ FOULE_FAULT: '' });
    const delivered = await waitForNotification(app, creator, 'PLEDGE_RECEIVED', made.id);
    expect(await received(creator.id)).toEqual([{ id: delivered.id, event_key: `funding.pledge.created:${made.id}` }]);

    // Replay: the row looks undelivered again (as if a relay had told everyone and died before
    // stamping it); the next boot delivers it again, and the (event, recipient) key holds.
    await app.sql(`UPDATE community.notification_outbox SET delivered_at = NULL WHERE key = $1`, [
      `funding.pledge.created:${made.id}`,
    ]);
    await app.crash();
    await app.restart({ FOULE_FAULT: '' });
    await eventually(async () => {
      const [row] = await app.sql(`SELECT delivered_at FROM community.notification_outbox WHERE key = $1`, [
        `funding.pledge.created:${made.id}`,
      ]);
      return row.delivered_at ?? null;
    });
    expect(await received(creator.id)).toEqual([{ id: delivered.id, event_key: `funding.pledge.created:${made.id}` }]);
  });
});
