/**
 * graphql-ws gets the rules of GraphQL over HTTP: the session is checked again before each
 * event (a sign-out, a session revoked for reuse of a rotated refresh token or an expired
 * token closes the socket with 4403), the query limits (depth, aliases, cost) and the rate limit
 * apply to every subscribe, one socket holds a bounded number of subscriptions, and socket
 * errors carry the contract's codes.
 */
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { createHmac, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  CampaignProgressCountDocument,
  CampaignProgressIdDocument,
  CampaignProgressPledgesDocument,
  RefreshSessionDocument,
  SignInOwnEmailDocument,
  SignInTokenDocument,
  SignOutDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { eventually } from './support/payments-fixtures';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';

interface Subscription {
  events: any[];
  errors: any[];
  closeCode?: number;
  completed: boolean;
}

function socket(app: TestApp, token?: string): Client & { closeCode(): number | undefined } {
  let closeCode: number | undefined;
  const client = createClient({
    url: `${app.baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
  });
  return Object.assign(client, { closeCode: () => closeCode });
}

/** Subscribes with one of test/documents' subscriptions, or a string for the documents this file sends deliberately wrong. */
function subscribe(client: Client, document: string | DocumentNode, variables: Record<string, unknown> = {}): Subscription {
  const subscription: Subscription = { events: [], errors: [], completed: false };
  client.subscribe(
    { query: typeof document === 'string' ? document : print(document), variables },
    {
      next: (result) => (result.errors ? subscription.errors.push(...result.errors) : subscription.events.push(result.data)),
      error: (error) => {
        if (Array.isArray(error)) subscription.errors.push(...error);
        else subscription.closeCode = (error as { code?: number }).code;
      },
      complete: () => (subscription.completed = true),
    },
  );
  return subscription;
}

/** The same claims as `token` but another expiry, signed (HS256) with the app's secret, as the api signs. */
function reSigned(token: string, secret: string, exp: number): string {
  const [header, payload] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), exp };
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The first error of a subscribe that the server refuses. */
async function refusal(client: Client, document: string | DocumentNode, variables: Record<string, unknown> = {}) {
  const subscription = subscribe(client, document, variables);
  const query = typeof document === 'string' ? document : print(document);
  return eventually(async () => subscription.errors[0], 10_000, `an error for ${query.slice(0, 60)}`);
}

describe('subscriptions under the rules of HTTP', () => {
  let app: TestApp;
  let creator: SignedUpProfile;
  let campaign: { id: string };

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, MAX_SUBSCRIPTIONS_PER_SOCKET: '3' });
    creator = await signUpCreator(app);
    campaign = await liveCampaign(app, creator);
  });
  afterAll(() => app.close());

  /** A creator watching their campaign's backers; returns once the watch delivers an event. */
  async function creatorWatching(token: string) {
    const client = socket(app, token);
    const watch = subscribe(client, CampaignProgressPledgesDocument, { id: campaign.id });
    // The subscription is registered asynchronously: pledge until an event arrives.
    await eventually(
      async () => {
        if (watch.events.length === 0) await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 500 });
        return watch.events.length > 0;
      },
      15_000,
      'a first event on the creator socket',
    );
    return { client, watch };
  }

  it('closes the socket with 4403 at the next event once the session is signed out, and delivers nothing more', async () => {
    // The creator's own session, signed in again so that signing it out leaves `creator` usable.
    const signedIn = ok(
      await app.gql(SignInTokenDocument, {
        input: { email: creator.email, password: creator.password },
      }),
      'signIn',
    );
    const { client, watch } = await creatorWatching(signedIn.accessToken);
    expect(watch.events[0].campaignProgress.pledges.edges[0].node.backer.handle).toEqual(expect.any(String));
    const seen = watch.events.length;

    ok(await app.gql(SignOutDocument, {}, signedIn.accessToken), 'signOut');
    await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 600 });

    await eventually(async () => client.closeCode(), 10_000, 'the socket to close');
    expect(client.closeCode()).toBe(4403);
    expect(watch.events.length).toBe(seen);
    await client.dispose();
  });

  it('closes the socket with 4403 at the next event once the session is revoked for the reuse of a rotated refresh token', async () => {
    // A session of the creator's own, rotated once: the socket holds the successor's access token.
    const { refreshToken: rotated } = ok(
      await app.gql(SignInOwnEmailDocument, { input: { email: creator.email, password: creator.password } }),
      'signIn',
    );
    const successor = ok(await app.gql(RefreshSessionDocument, { token: rotated }), 'refreshSession');
    const { client, watch } = await creatorWatching(successor.accessToken);
    const seen = watch.events.length;

    // The rotated token comes back after the grace period (REFRESH_REPEAT_GRACE_SECONDS = 10):
    // someone else holds a copy, and the whole family is revoked.
    await app.sql(
      `UPDATE community.refresh_tokens SET rotated_at = rotated_at - interval '11 seconds' WHERE profile_id = $1 AND rotated_at IS NOT NULL AND revoked_at IS NULL`,
      [creator.id],
    );
    const replay = await app.gql(RefreshSessionDocument, { token: rotated });
    expect(replay.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    expect(replay.errors![0].message).toMatch(/already used; the session has been signed out/);
    await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 650 });

    await eventually(async () => client.closeCode(), 10_000, 'the socket to close');
    expect(client.closeCode()).toBe(4403);
    expect(watch.events.length).toBe(seen);
    await client.dispose();
  });

  it('closes the socket with 4403 at the next event once its access token has expired', async () => {
    // The creator's real session, in a token that expires in two seconds (signed with the test app's secret).
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const shortLived = reSigned(creator.token, app.env.JWT_SECRET, expiresAt);
    const { client, watch } = await creatorWatching(shortLived);
    const seen = watch.events.length;

    await eventually(async () => Date.now() > (expiresAt + 1) * 1000, 10_000, 'the token to expire');
    await pledge(app, await signUp(app), { campaignId: campaign.id, amount: 700 });

    await eventually(async () => client.closeCode(), 10_000, 'the socket to close');
    expect(client.closeCode()).toBe(4403);
    expect(watch.events.length).toBe(seen);
    await client.dispose();
  });

  it('refuses a subscription too deep, with too many aliases or too costly with QUERY_TOO_COMPLEX, as HTTP does', async () => {
    const client = socket(app);
    // Generated on purpose: too deep, too many aliases and too costly, the documents the server must refuse.
    const deep = `subscription($id: ID!) { campaignProgress(campaignId: $id) { ${'creator { campaigns { edges { node { '.repeat(10)}id${' } } } }'.repeat(10)} } }`;
    const aliases = `subscription($id: ID!) { campaignProgress(campaignId: $id) { ${Array.from({ length: 100 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    // Within the depth and alias limits, but 100 campaigns of 100 comments each cost far more than 25,000.
    const costly = `subscription($id: ID!) { campaignProgress(campaignId: $id) { creator { campaigns(first: 100) { edges { node { comments(first: 100) { edges { node { id body } } } } } } } } }`;
    const cases: [string, RegExp][] = [
      [deep, /levels deep/],
      [aliases, /aliases/],
      [costly, /would cost \d+; at most 25000/],
    ];
    for (const [query, message] of cases) {
      const http = await app.gql(query.replace('subscription', 'query').replace('campaignProgress(campaignId: $id)', 'campaign(id: $id)'), { id: campaign.id });
      const error = await refusal(client, query, { id: campaign.id });
      expect({ query, code: error.extensions.code, message: error.message }).toEqual({ query, code: 'QUERY_TOO_COMPLEX', message: expect.stringMatching(message) });
      expect({ query, code: http.errors![0].extensions.code, message: http.errors![0].message }).toEqual({ query, code: 'QUERY_TOO_COMPLEX', message: error.message });
    }
    await client.dispose();
  });

  it('holds at most MAX_SUBSCRIPTIONS_PER_SOCKET active subscriptions on one socket', async () => {
    const client = socket(app);
    const subscriptions = Array.from({ length: 3 }, () => subscribe(client, CampaignProgressCountDocument, { id: campaign.id }));
    const error = await refusal(client, CampaignProgressIdDocument, { id: campaign.id });
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(error.message).toMatch(/At most 3 subscriptions/);
    expect(subscriptions.map((subscription) => subscription.errors)).toEqual([[], [], []]);
    await client.dispose();
  });

  it('answers socket errors with the same codes as HTTP', async () => {
    const client = socket(app);
    const cases: [string, Record<string, unknown>, string][] = [
      [print(CampaignProgressIdDocument), { id: 'cmp_01JD0000000000000000000000' }, 'NOT_FOUND'],
      [print(CampaignProgressIdDocument), { id: creator.id }, 'NOT_FOUND'],
      // Deliberately wrong: variables, fields and literals the schema refuses.
      [`subscription($id: ID!) { campaignProgress(campaignId: $id) { id } }`, { id: { not: 'an id' } }, 'BAD_USER_INPUT'],
      [`subscription($id: ID!) { campaignProgress(campaignId: $id) { id noSuchField } }`, { id: campaign.id }, 'BAD_USER_INPUT'],
      [`subscription { campaignProgress(campaignId: "cmp_\u0000") { id } }`, {}, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      const error = await refusal(client, query, variables);
      expect({ query, code: error.extensions?.code }).toEqual({ query, code });
    }
    await client.dispose();
  });
});

describe('the rate limit on subscribes', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_PER_MINUTE: '30' });
  });
  afterAll(() => app.close());

  it('counts every subscribe against the caller allowance and answers RATE_LIMITED past it', async () => {
    const client = socket(app);
    // One after another, so that the bound on active subscriptions per socket plays no part.
    const errors = [];
    for (let i = 0; i < 40; i++) {
      errors.push(await refusal(client, CampaignProgressIdDocument, { id: 'cmp_01JD0000000000000000000000' }));
    }
    expect(errors.slice(0, 30).map((error) => error.extensions.code)).toEqual(Array(30).fill('NOT_FOUND'));
    for (const error of errors.slice(30)) {
      expect(error.extensions.code).toBe('RATE_LIMITED');
      expect(error.extensions.retryAfterSeconds).toBeGreaterThan(0);
    }
    await client.dispose();
  });
});

describe('subscriptions in production', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('base64'), SMTP_URL: 'smtp://127.0.0.1:2525' });
  });
  afterAll(() => app.close());

  it('refuses introspection and suggests no field names over the socket either', async () => {
    const client = socket(app);
    // Strings on purpose: an introspection query and a misspelt field, which no document of test/documents may be.
    const introspection = await refusal(client, `query { __schema { types { name } } }`);
    expect(introspection.message).toMatch(/introspection/i);
    const misspelt = await refusal(client, `subscription { campaignProgres(campaignId: "cmp_01JD0000000000000000000000") { id } }`);
    expect(misspelt.extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(misspelt)).not.toMatch(/Did you mean/i);
    await client.dispose();
  });
});
