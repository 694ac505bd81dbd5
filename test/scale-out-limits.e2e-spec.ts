/**
 * The request rate limit and the sign-in limit hold across api instances: two instances on one
 * database and one Redis, a caller alternating between them, counted once. (Each instance
 * counting its own share would let twice the limit through.)
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { MyIdDocument, SignInDocument } from './documents/graphql';
import { errorCode, signUp } from './support/fixtures';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';

const REDIS_URL = process.env.FOULE_TEST_REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;

async function gqlAt<TData, TVariables>(
  baseUrl: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { ...((await response.json()) as GraphQLResponse<TData>), status: response.status };
}

withRedis('limits across two api instances (one database, one Redis)', () => {
  let app: TestApp;
  let peer: { baseUrl: string; stop(): Promise<void> };

  beforeAll(async () => {
    app = await createTestApp({ REDIS_URL: REDIS_URL!, RATE_LIMIT_PER_MINUTE: '10', AUTH_MAX_ATTEMPTS: '3' });
    peer = await app.startPeer();
  });
  afterAll(async () => {
    await peer?.stop();
    await app?.close();
  });

  it('counts one caller’s requests on both instances against one RATE_LIMIT_PER_MINUTE', async () => {
    const profile = await signUp(app);
    const instances = [app.baseUrl, peer.baseUrl];
    // 10 allowed, alternating: 5 on each instance.
    for (let request = 0; request < 10; request++) {
      const answer = await gqlAt(instances[request % 2], MyIdDocument, {}, profile.token);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.me!.id).toBe(profile.id);
    }
    // The 11th is refused on either instance, though each has seen only 5.
    for (const baseUrl of instances) {
      const refused = await gqlAt(baseUrl, MyIdDocument, {}, profile.token);
      expect(errorCode(refused)).toBe('RATE_LIMITED');
      expect(refused.status).toBe(429);
      expect(refused.errors![0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    // Someone else's allowance is their own.
    const other = await signUp(app);
    expect((await gqlAt(peer.baseUrl, MyIdDocument, {}, other.token)).data!.me!.id).toBe(other.id);
  });

  it('counts failed sign-ins on both instances against one AUTH_MAX_ATTEMPTS', async () => {
    const profile = await signUp(app);
    const wrong = { email: profile.email, password: 'not the password at all' };
    expect(errorCode(await gqlAt(app.baseUrl, SignInDocument, { input: wrong }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gqlAt(peer.baseUrl, SignInDocument, { input: wrong }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gqlAt(app.baseUrl, SignInDocument, { input: wrong }))).toBe('UNAUTHENTICATED');
    // The limit is reached across the two: even the right password is refused on the other one.
    const right = { email: profile.email, password: profile.password };
    expect(errorCode(await gqlAt(peer.baseUrl, SignInDocument, { input: right }))).toBe('RATE_LIMITED');
    expect(errorCode(await gqlAt(app.baseUrl, SignInDocument, { input: right }))).toBe('RATE_LIMITED');
  });
});
