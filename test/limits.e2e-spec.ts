import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CampaignProgressIdDocument, MyIdDocument, ProfileIdDocument } from './documents/graphql';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';
import { errorCode, signUp } from './support/fixtures';
import { eventually } from './support/payments-fixtures';
import { gqlFrom } from './support/client-address';

/** The first error of one subscribe on a graphql-ws socket opened from `localAddress` with `forwardedFor` on its upgrade request. */
async function subscribeRefusal(app: TestApp, localAddress: string, forwardedFor: string) {
  class ForwardedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { localAddress, headers: { 'x-forwarded-for': forwardedFor } });
    }
  }
  const client = createClient({ url: `${app.baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: ForwardedWebSocket, retryAttempts: 0 });
  const errors: { extensions?: Record<string, unknown> }[] = [];
  client.subscribe(
    { query: print(CampaignProgressIdDocument), variables: { id: 'cmp_01JD0000000000000000000000' } },
    {
      next: (message) => void errors.push(...(message.errors ?? [])),
      error: (error) => void errors.push(...(Array.isArray(error) ? error : [error])),
      complete: () => undefined,
    },
  );
  try {
    return (await eventually(async () => errors[0], 10_000, 'an answer to the subscribe')).extensions?.code;
  } finally {
    await client.dispose();
  }
}

/** An answer's error code, or OK (`profile(handle: "nobody")` answers null). */
const answer = (response: GraphQLResponse) => errorCode(response) ?? 'OK';

describe('request limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_PER_MINUTE: '8' });
  });
  afterAll(() => app.close());

  it('limits requests per minute per signed-in profile, separately from anonymous callers', async () => {
    const profile = await signUp(app); // 1 anonymous request
    const results = [];
    for (let i = 0; i < 9; i++) results.push(errorCode(await app.gql(MyIdDocument, {}, profile.token)));
    expect(results.slice(0, 8)).toEqual(Array(8).fill(undefined));
    expect(results[8]).toBe('RATE_LIMITED');
    // Another profile (and the anonymous address) still has its own allowance.
    const other = await signUp(app);
    expect(errorCode(await app.gql(MyIdDocument, {}, other.token))).toBeUndefined();
  });

  it('limits anonymous callers per address', async () => {
    const codes = [];
    for (let i = 0; i < 10; i++) codes.push(answer(await app.gql(ProfileIdDocument, { handle: 'nobody' })));
    expect(codes).toContain('RATE_LIMITED');
    const limited = await app.gql(ProfileIdDocument, { handle: 'nobody' });
    expect(limited.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: a caller cannot dodge the limit by forging it, over HTTP or graphql-ws', async () => {
    const codes = [];
    for (let i = 0; i < 10; i++) codes.push(answer(await gqlFrom(app, '127.0.5.1', ProfileIdDocument, { handle: 'nobody' }, { forwardedFor: `203.0.113.${i + 1}` })));
    expect(codes).toEqual([...Array(8).fill('OK'), 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(await subscribeRefusal(app, '127.0.5.1', '203.0.113.200')).toBe('RATE_LIMITED');
    // The limit is the peer's: another peer has its own allowance.
    expect(answer(await gqlFrom(app, '127.0.5.2', ProfileIdDocument, { handle: 'nobody' }, { forwardedFor: '203.0.113.1' }))).toBe('OK');
  });
});

describe('request limits behind a proxy (TRUST_PROXY)', () => {
  let app: TestApp;
  const PROXY = '127.0.6.1'; // the trusted proxy (loopback), sending for its clients

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_PER_MINUTE: '8', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => app.close());

  it('counts each forwarded client on its own, over HTTP and graphql-ws; a forged left part of the header changes nothing', async () => {
    const codes = [];
    for (let i = 0; i < 9; i++) codes.push(answer(await gqlFrom(app, PROXY, ProfileIdDocument, { handle: 'nobody' }, { forwardedFor: '198.51.100.1' })));
    expect(codes).toEqual([...Array(8).fill('OK'), 'RATE_LIMITED']);
    // The proxy appends the address it saw: what the client put before it is not who it is.
    expect(errorCode(await gqlFrom(app, PROXY, ProfileIdDocument, { handle: 'nobody' }, { forwardedFor: '198.51.100.77, 198.51.100.1' }))).toBe('RATE_LIMITED');
    expect(await subscribeRefusal(app, PROXY, '198.51.100.1')).toBe('RATE_LIMITED');
    // Another client behind the same proxy has its own allowance, on HTTP and on a socket.
    expect(answer(await gqlFrom(app, PROXY, ProfileIdDocument, { handle: 'nobody' }, { forwardedFor: '198.51.100.2' }))).toBe('OK');
    expect(await subscribeRefusal(app, PROXY, '198.51.100.3')).toBe('NOT_FOUND');
  });
});
