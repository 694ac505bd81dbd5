import { MyIdDocument, ProfileIdDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp } from './support/fixtures';

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
    for (let i = 0; i < 10; i++) codes.push(errorCode(await app.gql(ProfileIdDocument, { handle: 'nobody' })));
    expect(codes).toContain('RATE_LIMITED');
    const limited = await app.gql(ProfileIdDocument, { handle: 'nobody' });
    expect(limited.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
  });
});
