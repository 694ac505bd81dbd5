/**
 * Subscriptions across api instances: with REDIS_URL, an event raised by one instance reaches
 * subscribers connected to another (a load balancer may put a backer and a watcher on
 * different instances). Also: the graphql-ws socket takes the bearer token from connectionParams.
 */
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CampaignProgressBackersDocument, CampaignProgressIdDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp } from './support/fixtures';
import { eventually } from './support/payments-fixtures';
import { FUNDING_TEST_ENV, liveCampaign, pledge, signUpCreator, subscribeToProgress } from './support/funding-fixtures';

// Set by the global setup when a Redis answers (TEST_REDIS_URL, default redis://127.0.0.1:6379).
const REDIS_URL = process.env.FOULE_TEST_REDIS_URL;
const withRedis = REDIS_URL ? it : it.skip;

describe('realtime across instances', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...(REDIS_URL ? { REDIS_URL } : {}) });
  });
  afterAll(() => app.close());

  withRedis('delivers campaignProgress raised on one instance to a subscriber on another through Redis', async () => {
    const peer = await app.startPeer();
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator, { tiers: [{ minimum: 500, limit: 5 }] });
    const watcher = await subscribeToProgress(app, campaign.id, { document: CampaignProgressBackersDocument, on: peer });
    try {
      const backer = await signUp(app);
      await pledge(app, backer, { campaignId: campaign.id, amount: 700 });
      const seen = await eventually(async () => watcher.events.find((event) => event.backersCount === 1), 10_000, 'the pledge event on the peer');
      expect(seen).toEqual({ id: campaign.id, backersCount: 1, pledged: { amount: 700 } });
      expect(watcher.errors).toEqual([]);
    } finally {
      await watcher.close();
      await peer.stop();
    }
  });

  it('refuses a subscription socket whose bearer token is not valid', async () => {
    const client = createClient({
      url: `${app.baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: 'Bearer not-a-token' },
    });
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: print(CampaignProgressIdDocument), variables: { id: 'cmp_01JD0000000000000000000000' } }, {
        next: () => resolve('next'),
        error: (error) => resolve(error),
        complete: () => resolve('complete'),
      });
    });
    await client.dispose();
    expect((outcome as { code?: number }).code).toBe(4403);
  });
});
