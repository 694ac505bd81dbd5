/**
 * signUp, signIn and refreshSession answer the caller's own profile: its owner-only email is
 * shown there, though the request itself carries no access token. Anyone else still gets null.
 */
import { ProfileEmailDocument, RefreshSessionOwnEmailDocument, SignInOwnEmailDocument, SignUpOwnEmailDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, uniqueHandle } from './support/fixtures';

describe('auth payloads show the caller their own email', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('signUp returns the new profile with its email', async () => {
    const handle = uniqueHandle('own');
    const result = await app.gql(SignUpOwnEmailDocument, {
      input: { email: `${handle}@Example.com`, password: 'a good password', handle, displayName: 'Own' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.signUp.profile).toEqual({ handle, email: `${handle}@example.com` });
  });

  it('signIn and refreshSession return the signed-in profile with its email', async () => {
    const profile = await signUp(app);
    const signIn = await app.gql(SignInOwnEmailDocument, {
      input: { email: profile.email, password: profile.password },
    });
    expect(signIn.errors).toBeUndefined();
    expect(signIn.data!.signIn.profile.email).toBe(profile.email);

    const refresh = await app.gql(RefreshSessionOwnEmailDocument, {
      token: signIn.data!.signIn.refreshToken,
    });
    expect(refresh.errors).toBeUndefined();
    expect(refresh.data!.refreshSession.profile.email).toBe(profile.email);
  });

  it('still hides the email of a profile from anyone but its owner', async () => {
    const owner = await signUp(app);
    const stranger = await signUp(app);
    const anonymous = await app.gql(ProfileEmailDocument, { handle: owner.handle });
    const other = await app.gql(ProfileEmailDocument, { handle: owner.handle }, stranger.token);
    const own = await app.gql(ProfileEmailDocument, { handle: owner.handle }, owner.token);
    expect([anonymous.data!.profile!.email, other.data!.profile!.email, own.data!.profile!.email]).toEqual([null, null, owner.email]);
  });
});
