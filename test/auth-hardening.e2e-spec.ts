/**
 * Authentication under attack: guessing passwords in bursts and from many addresses, probing
 * sign-up for registered emails, hand-made access tokens, and refresh tokens raced by two tabs.
 */
import { createHmac } from 'node:crypto';
import { MyIdDocument, RefreshSessionDocument, SignInDocument, SignUpDocument } from './documents/graphql';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';
import { errorCode, signUp, uniqueHandle } from './support/fixtures';
import { gqlFrom } from './support/client-address';

function countCodes(results: GraphQLResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const code = errorCode(result) ?? 'OK';
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

/** An HS256 JWT signed by hand, as someone holding the secret (or a bug) might make one. */
function signJwt(secret: string, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('authentication hardening', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ AUTH_MAX_ATTEMPTS: '10', AUTH_MAX_ATTEMPTS_PER_EMAIL: '25' });
  });
  afterAll(() => app?.close());

  describe('sign-in limits', () => {
    it('checks at most AUTH_MAX_ATTEMPTS passwords of 40 fired at once, and refuses the right one sent last', async () => {
      const profile = await signUp(app);
      const attempts = Array.from({ length: 40 }, (_, index) => (index === 39 ? profile.password : `wrong guess ${index}`));
      const results = await Promise.all(
        attempts.map((password) => app.gql(SignInDocument, { input: { email: profile.email, password } })),
      );

      // Each checked password answers UNAUTHENTICATED (wrong) or signs in; the rest were refused unchecked.
      expect(countCodes(results)).toEqual({ UNAUTHENTICATED: 10, RATE_LIMITED: 30 });
      expect(errorCode(results[39])).toBe('RATE_LIMITED');
      expect(errorCode(await app.gql(SignInDocument, { input: { email: profile.email, password: profile.password } }))).toBe(
        'RATE_LIMITED',
      );

      // Locked out is this address only: the owner elsewhere still signs in.
      const elsewhere = await gqlFrom(app, '127.0.0.2', SignInDocument, { input: { email: profile.email, password: profile.password } });
      expect(elsewhere.errors).toBeUndefined();
      expect(elsewhere.data!.signIn.profile.id).toBe(profile.id);
    });

    it('stops guessing from many addresses at AUTH_MAX_ATTEMPTS_PER_EMAIL, the owner included', async () => {
      const profile = await signUp(app);
      const attempt = (address: string, password = 'a wrong guess') =>
        gqlFrom(app, address, SignInDocument, { input: { email: profile.email, password } }).then(errorCode);
      for (const address of ['127.0.1.1', '127.0.1.2']) {
        for (let i = 0; i < 10; i++) expect(await attempt(address)).toBe('UNAUTHENTICATED');
        expect(await attempt(address)).toBe('RATE_LIMITED');
      }
      for (let i = 0; i < 5; i++) expect(await attempt('127.0.1.3')).toBe('UNAUTHENTICATED');
      // 25 wrong passwords from all addresses: the ceiling.
      expect(await attempt('127.0.1.3')).toBe('RATE_LIMITED');
      expect(await attempt('127.0.1.4', profile.password)).toBe('RATE_LIMITED');
    });

    it("a successful sign-in clears its own address's failures for the email", async () => {
      const profile = await signUp(app);
      const attempt = (password: string) =>
        gqlFrom(app, '127.0.2.1', SignInDocument, { input: { email: profile.email, password } }).then(errorCode);
      for (let i = 0; i < 9; i++) expect(await attempt('a typo')).toBe('UNAUTHENTICATED');
      expect(await attempt(profile.password)).toBeUndefined();
      for (let i = 0; i < 9; i++) expect(await attempt('another typo')).toBe('UNAUTHENTICATED');
      expect(await attempt(profile.password)).toBeUndefined();
    });
  });

  describe('sign-up with a registered email', () => {
    const signUpFrom = (address: string, email: string) =>
      gqlFrom(app, address, SignUpDocument, {
        input: { email, handle: uniqueHandle('probe'), password: 'long enough password', displayName: 'Probe' },
      });

    it('says so, until an address was told AUTH_MAX_ATTEMPTS times; then every sign-up from it is RATE_LIMITED', async () => {
      const registered = await signUp(app);
      const burst = await Promise.all(Array.from({ length: 15 }, () => signUpFrom('127.0.3.1', registered.email)));
      expect(countCodes(burst)).toEqual({ CONFLICT: 10, RATE_LIMITED: 5 });
      const conflict = burst.find((result) => errorCode(result) === 'CONFLICT')!;
      expect(conflict.errors![0].extensions.fields).toEqual([{ path: 'email', message: 'is already registered' }]);

      // Whatever the email: otherwise RATE_LIMITED itself would tell registered emails apart.
      expect(errorCode(await signUpFrom('127.0.3.1', `${uniqueHandle('new')}@example.com`))).toBe('RATE_LIMITED');
      // Other addresses still get the clear answer.
      expect(errorCode(await signUpFrom('127.0.3.2', registered.email))).toBe('CONFLICT');
    });

    it('does not count sign-ups that create an account, however many arrive at once from one address', async () => {
      const burst = await Promise.all(
        Array.from({ length: 12 }, () => signUpFrom('127.0.4.1', `${uniqueHandle('crowd')}@example.com`)),
      );
      expect(countCodes(burst)).toEqual({ OK: 12 });
    });
  });

  describe('access tokens', () => {
    it('refuses a validly signed token without exp, iat, iss or aud, or living longer than this server issues them for', async () => {
      const profile = await signUp(app);
      const issued = JSON.parse(Buffer.from(profile.token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: issued.sub,
        sid: issued.sid,
        typ: 'access',
        iss: 'foule',
        aud: 'foule-api',
        iat: now,
        exp: now + 15 * 60,
      };
      const without = (name: keyof typeof claims) => Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
      const me = (payload: Record<string, unknown>) => app.gql(MyIdDocument, {}, signJwt(app.env.JWT_SECRET, payload));

      // The hand-signed token is right when nothing is missing: what follows fails for its claims alone.
      expect((await me(claims)).data!.me!.id).toBe(profile.id);
      for (const refused of [
        without('exp'),
        without('iat'),
        without('iss'),
        without('aud'),
        { ...claims, exp: now + 24 * 3600 },
        { ...claims, iat: now - 3600, exp: now + 3600 },
        { ...claims, iat: now + 24 * 3600, exp: now + 24 * 3600 + 60 },
        { ...claims, iat: String(now) },
      ]) {
        const result = await me(refused);
        expect({ claims: refused, code: errorCode(result) }).toEqual({ claims: refused, code: 'UNAUTHENTICATED' });
        expect(result.errors![0].message).toBe('The access token is not valid');
      }
    });
  });

  describe('refresh tokens', () => {
    it('answers two refreshes at once with the same token with the same successor, which keeps working', async () => {
      const profile = await signUp(app);
      const [first, second] = await Promise.all([
        app.gql(RefreshSessionDocument, { token: profile.refreshToken }),
        app.gql(RefreshSessionDocument, { token: profile.refreshToken }),
      ]);
      expect(first.errors).toBeUndefined();
      expect(second.errors).toBeUndefined();
      const successor = first.data!.refreshSession.refreshToken;
      expect(successor).not.toBe(profile.refreshToken);
      expect(second.data!.refreshSession.refreshToken).toBe(successor);

      // Both tabs stay signed in, and the session goes on from the successor.
      expect((await app.gql(MyIdDocument, {}, second.data!.refreshSession.accessToken)).data!.me!.id).toBe(profile.id);
      const repeated = await app.gql(RefreshSessionDocument, { token: profile.refreshToken });
      expect(repeated.data!.refreshSession.refreshToken).toBe(successor);
      const next = await app.gql(RefreshSessionDocument, { token: successor });
      expect(next.errors).toBeUndefined();
      expect((await app.gql(MyIdDocument, {}, next.data!.refreshSession.accessToken)).data!.me!.id).toBe(profile.id);

      // The successor can be handed out again without its secret being stored.
      const stored = JSON.stringify(await app.sql(`SELECT * FROM community.refresh_tokens WHERE profile_id = $1`, [profile.id]));
      expect(stored).not.toContain(successor.split('.')[1]);
    });

    it('revokes the family when a rotated token comes back after the grace period', async () => {
      const profile = await signUp(app);
      const rotated = await app.gql(RefreshSessionDocument, { token: profile.refreshToken });
      const newest = rotated.data!.refreshSession;
      // Ten seconds pass (the grace is RefreshSessionDocument_REPEAT_GRACE_SECONDS = 10).
      await app.sql(
        `UPDATE community.refresh_tokens SET rotated_at = rotated_at - interval '11 seconds' WHERE profile_id = $1 AND rotated_at IS NOT NULL`,
        [profile.id],
      );
      const replay = await app.gql(RefreshSessionDocument, { token: profile.refreshToken });
      expect(errorCode(replay)).toBe('UNAUTHENTICATED');
      expect(replay.errors![0].message).toMatch(/already used; the session has been signed out/);
      expect(errorCode(await app.gql(RefreshSessionDocument, { token: newest.refreshToken }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await app.gql(MyIdDocument, {}, newest.accessToken))).toBe('UNAUTHENTICATED');
    });
  });
});
