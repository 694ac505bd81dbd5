import {
  FollowDocument,
  FollowIdDocument,
  GrantRoleDocument,
  MyBioDocument,
  MyFollowCountsDocument,
  MyIdAndEmailDocument,
  MyIdDocument,
  MyRolesDocument,
  NodeIdDocument,
  NodeProfileDocument,
  ProfileByHandleDocument,
  ProfileIdDocument,
  RefreshSessionDocument,
  RevokeRoleDocument,
  SignInDocument,
  SignInTokenDocument,
  SignOutDocument,
  SignUpProfileDocument,
  SignUpTokenDocument,
  UnfollowDocument,
  UpdateProfileDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { ADMIN_EMAIL, errorCode, signUp, signUpAdmin, uniqueHandle } from './support/fixtures';

describe('community: sign-up, sessions, profiles, follows, roles', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ AUTH_MAX_ATTEMPTS: '3' });
  });
  afterAll(() => app.close());

  describe('sign-up', () => {
    it('creates a MEMBER profile and a session', async () => {
      const handle = uniqueHandle('alice');
      const result = await app.gql(SignUpProfileDocument, {
        input: { email: `${handle}@Example.com`, password: 'a good password', handle, displayName: 'Alice' },
      });
      expect(result.errors).toBeUndefined();
      const payload = result.data!.signUp;
      expect(payload.profile).toMatchObject({ handle, displayName: 'Alice', roles: ['MEMBER'], followersCount: 0, bio: null });
      expect(payload.profile.id).toMatch(/^prf_/);
      expect(new Date(payload.expiresAt).getTime()).toBeGreaterThan(Date.now());
      const me = await app.gql(MyIdAndEmailDocument, {}, payload.accessToken);
      expect(me.data!.me).toEqual({ id: payload.profile.id, email: `${handle}@example.com` });
    });

    it('rejects invalid input with BAD_USER_INPUT and the failing fields', async () => {
      const result = await app.gql(SignUpTokenDocument, {
        input: { email: 'not-an-email', password: 'short', handle: 'a!', displayName: ' ' },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      const paths = result.errors![0].extensions.fields!.map((field) => field.path);
      expect(paths).toEqual(expect.arrayContaining(['email', 'password', 'handle', 'displayName']));
    });

    it('refuses a taken handle whatever its case, and a taken email, with CONFLICT', async () => {
      const first = await signUp(app);
      const sameHandle = await app.gql(SignUpTokenDocument, {
        input: { email: `${uniqueHandle()}@example.com`, password: 'a good password', handle: first.handle.toUpperCase(), displayName: 'X' },
      });
      expect(errorCode(sameHandle)).toBe('CONFLICT');
      const sameEmail = await app.gql(SignUpTokenDocument, {
        input: { email: first.email.toUpperCase(), password: 'a good password', handle: uniqueHandle(), displayName: 'X' },
      });
      expect(errorCode(sameEmail)).toBe('CONFLICT');
      const count = await app.sql(`SELECT count(*)::int AS n FROM community.profiles WHERE handle_key = $1`, [first.handle]);
      expect(count[0].n).toBe(1);
    });

    it('makes profiles signing up with an ADMIN_EMAILS address ADMIN', async () => {
      const admin = await signUp(app, { email: ADMIN_EMAIL.toUpperCase() });
      const me = await app.gql(MyRolesDocument, {}, admin.token);
      expect(me.data!.me!.roles).toEqual(['MEMBER', 'ADMIN']);
    });
  });

  describe('sign-in', () => {
    it('signs in with the right password, case-insensitively on the email', async () => {
      const profile = await signUp(app);
      const result = await app.gql(SignInDocument, {
        input: { email: profile.email.toUpperCase(), password: profile.password },
      });
      expect(result.data!.signIn.profile.id).toBe(profile.id);
    });

    it('answers UNAUTHENTICATED to a wrong password or an unknown email, and RATE_LIMITED past AUTH_MAX_ATTEMPTS', async () => {
      const profile = await signUp(app);
      const attempt = (password: string) =>
        app.gql(SignInTokenDocument, { input: { email: profile.email, password } });
      for (let i = 0; i < 3; i++) expect(errorCode(await attempt('wrong password'))).toBe('UNAUTHENTICATED');
      // Limited now, even with the right password: guessing must not tell the two apart.
      expect(errorCode(await attempt(profile.password))).toBe('RATE_LIMITED');
      const unknown = await app.gql(SignInTokenDocument, {
        input: { email: 'nobody@example.com', password: 'whatever it is' },
      });
      expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
    });
  });

  describe('sessions', () => {
    const REFRESH = RefreshSessionDocument;

    it('rotates the refresh token on every use', async () => {
      const profile = await signUp(app);
      const first = await app.gql(REFRESH, { token: profile.refreshToken });
      expect(first.data!.refreshSession.profile.id).toBe(profile.id);
      expect(first.data!.refreshSession.refreshToken).not.toBe(profile.refreshToken);
      const second = await app.gql(REFRESH, { token: first.data!.refreshSession.refreshToken });
      expect(second.errors).toBeUndefined();
    });

    it('revokes the whole family when a rotated token is presented again', async () => {
      const profile = await signUp(app);
      const rotated = await app.gql(REFRESH, { token: profile.refreshToken });
      const newest = rotated.data!.refreshSession.refreshToken;
      // Past the grace period for a client racing itself (REFRESH_REPEAT_GRACE_SECONDS).
      await app.sql(`UPDATE community.refresh_tokens SET rotated_at = rotated_at - interval '11 seconds' WHERE profile_id = $1`, [profile.id]);
      const replay = await app.gql(REFRESH, { token: profile.refreshToken });
      expect(errorCode(replay)).toBe('UNAUTHENTICATED');
      // The legitimate holder's newer token is revoked too.
      expect(errorCode(await app.gql(REFRESH, { token: newest }))).toBe('UNAUTHENTICATED');
    });

    it('signOut revokes the session: its refresh token and its access tokens, not other sessions', async () => {
      const profile = await signUp(app);
      const otherSession = await app.gql(SignInTokenDocument, {
        input: { email: profile.email, password: profile.password },
      });
      const out = await app.gql(SignOutDocument, {}, profile.token);
      expect(out.data!.signOut).toBe(true);
      expect(errorCode(await app.gql(REFRESH, { token: profile.refreshToken }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await app.gql(MyIdDocument, {}, profile.token))).toBe('UNAUTHENTICATED');
      const stillIn = await app.gql(MyIdDocument, {}, otherSession.data!.signIn.accessToken);
      expect(stillIn.data!.me!.id).toBe(profile.id);
    });

    it('answers UNAUTHENTICATED to malformed, forged and garbage tokens', async () => {
      for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcmZfMSJ9.c2lnbmF0dXJl']) {
        expect(errorCode(await app.gql(MyIdDocument, {}, token))).toBe('UNAUTHENTICATED');
      }
      expect(errorCode(await app.gql(REFRESH, { token: 'rft_nothing.secret' }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await app.gql(SignOutDocument, {}))).toBe('UNAUTHENTICATED');
    });
  });

  describe('profiles', () => {
    const UPDATE = UpdateProfileDocument;

    it('edits and clears displayName, bio and avatarUrl', async () => {
      const profile = await signUp(app);
      const updated = await app.gql(UPDATE, { input: { displayName: 'New Name', bio: 'Designer', avatarUrl: 'https://cdn.example.com/a.png' } }, profile.token);
      expect(updated.data!.updateProfile).toEqual({ displayName: 'New Name', bio: 'Designer', avatarUrl: 'https://cdn.example.com/a.png' });
      const cleared = await app.gql(UPDATE, { input: { bio: null, avatarUrl: '' } }, profile.token);
      expect(cleared.data!.updateProfile).toEqual({ displayName: 'New Name', bio: null, avatarUrl: null });
    });

    it('validates edits and keeps what was stored', async () => {
      const profile = await signUp(app);
      await app.gql(UPDATE, { input: { bio: 'kept' } }, profile.token);
      const bad = await app.gql(UPDATE, { input: { displayName: 'x'.repeat(81), bio: 'y'.repeat(2001), avatarUrl: 'http://insecure.example.com/a.png' } }, profile.token);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0].extensions.fields!.map((field) => field.path).sort()).toEqual(['avatarUrl', 'bio', 'displayName']);
      const me = await app.gql(MyBioDocument, {}, profile.token);
      expect(me.data!.me!.bio).toBe('kept');
      expect(errorCode(await app.gql(UPDATE, { input: { bio: 'x' } }))).toBe('UNAUTHENTICATED');
    });

    it('finds profiles by handle (ignoring case) and by node(id), and hides emails from others', async () => {
      const owner = await signUp(app);
      const other = await signUp(app);
      const byHandle = await app.gql(ProfileByHandleDocument, { h: owner.handle.toUpperCase() }, other.token);
      expect(byHandle.data!.profile).toEqual({ id: owner.id, email: null });
      const byNode = await app.gql(NodeProfileDocument, { id: owner.id });
      expect(byNode.data!.node).toEqual({ __typename: 'Profile', id: owner.id, handle: owner.handle });
      const missing = await app.gql(NodeIdDocument, { id: 'prf_01ARZ3NDEKTSV4RRFFQ69G5FAV' });
      expect(missing.data!.node).toBeNull();
      expect((await app.gql(NodeIdDocument, { id: 'nonsense' })).data!.node).toBeNull();
      expect((await app.gql(ProfileIdDocument, { handle: 'nobody_here' })).data!.profile).toBeNull();
    });
  });

  describe('follows', () => {
    it('follows and unfollows with counts and viewerIsFollowing', async () => {
      const fan = await signUp(app);
      const star = await signUp(app);
      const followed = await app.gql(FollowDocument, { id: star.id }, fan.token);
      expect(followed.data!.follow).toEqual({ followersCount: 1, viewerIsFollowing: true });
      // Following twice changes nothing.
      await app.gql(FollowIdDocument, { id: star.id }, fan.token);
      const fanView = await app.gql(MyFollowCountsDocument, {}, fan.token);
      expect(fanView.data!.me).toEqual({ followingCount: 1, followersCount: 0 });
      const unfollowed = await app.gql(UnfollowDocument, { id: star.id }, fan.token);
      expect(unfollowed.data!.unfollow).toEqual({ followersCount: 0, viewerIsFollowing: false });
    });

    it('refuses following oneself or a profile that does not exist', async () => {
      const fan = await signUp(app);
      expect(errorCode(await app.gql(FollowIdDocument, { id: fan.id }, fan.token))).toBe('BAD_USER_INPUT');
      expect(
        errorCode(await app.gql(FollowIdDocument, { id: 'prf_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, fan.token)),
      ).toBe('NOT_FOUND');
    });
  });

  describe('roles', () => {
    const GRANT = GrantRoleDocument;
    const REVOKE = RevokeRoleDocument;

    it('lets admins grant and revoke roles, effective on the next request', async () => {
      const admin = await signUpAdmin(app);
      const member = await signUp(app);
      const granted = await app.gql(GRANT, { id: member.id, role: 'ANALYST' }, admin.token);
      expect(granted.data!.grantRole.roles).toEqual(['MEMBER', 'ANALYST']);
      // The member's existing token now carries ANALYST rights: roles are read per request.
      expect(errorCode(await app.gql(GRANT, { id: admin.id, role: 'ANALYST' }, member.token))).toBe('FORBIDDEN');
      const revoked = await app.gql(REVOKE, { id: member.id, role: 'ANALYST' }, admin.token);
      expect(revoked.data!.revokeRole.roles).toEqual(['MEMBER']);
      expect(errorCode(await app.gql(REVOKE, { id: member.id, role: 'MEMBER' }, admin.token))).toBe('BAD_USER_INPUT');
    });

    it('refuses members and anonymous callers', async () => {
      const member = await signUp(app);
      expect(errorCode(await app.gql(GRANT, { id: member.id, role: 'ADMIN' }, member.token))).toBe('FORBIDDEN');
      expect(errorCode(await app.gql(GRANT, { id: member.id, role: 'ADMIN' }))).toBe('UNAUTHENTICATED');
      const me = await app.gql(MyRolesDocument, {}, member.token);
      expect(me.data!.me!.roles).toEqual(['MEMBER']);
    });
  });

  describe('error shape', () => {
    // The documents here are wrong on purpose, so they are sent as strings: typed documents would not compile.
    it('turns malformed queries and unknown fields into BAD_USER_INPUT with fields', async () => {
      const syntax = await app.gql(`{ me { id `);
      expect(errorCode(syntax)).toBe('BAD_USER_INPUT');
      expect(Array.isArray(syntax.errors![0].extensions.fields)).toBe(true);
      const unknownField = await app.gql(`{ me { nope } }`);
      expect(errorCode(unknownField)).toBe('BAD_USER_INPUT');
      const badVariable = await app.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`, { input: { email: 'x' } });
      expect(errorCode(badVariable)).toBe('BAD_USER_INPUT');
      expect(badVariable.errors![0].extensions.fields![0].path).toBeTruthy();
    });

    it('answers a body that is not JSON in the same error shape', async () => {
      const response = await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ me { id } }"' });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { extensions: { code: string; fields: unknown[] } }[] };
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].extensions.fields).toHaveLength(1);
    });

    it('never leaks stack traces', async () => {
      const result = await app.gql(`{ me { nope } }`);
      expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.js:\d+/);
    });

    it('rejects queries that are too deep with QUERY_TOO_COMPLEX', async () => {
      let selection = 'id';
      for (let i = 0; i < 15; i++) selection = `stats { prizeMoneyWon { currency } } id`;
      const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ');
      expect(errorCode(await app.gql(`{ ${aliases} }`))).toBe('QUERY_TOO_COMPLEX');
      expect(selection).toBeTruthy();
    });
  });
});
