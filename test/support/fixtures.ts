/** Fixture builders: a signed-up profile and its tokens in one line. */
import { randomBytes } from 'node:crypto';
import { SignUpDocument } from '../documents/graphql';
import type { TestApp } from './test-app';

export interface SignedUpProfile {
  id: string;
  handle: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}

export function uniqueHandle(prefix = 'user'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`.slice(0, 30);
}

export async function signUp(app: TestApp, overrides: Partial<{ email: string; handle: string; password: string; displayName: string }> = {}): Promise<SignedUpProfile> {
  const handle = overrides.handle ?? uniqueHandle();
  const email = overrides.email ?? `${handle}@example.com`;
  const password = overrides.password ?? 'correct horse battery staple';
  const result = await app.gql(SignUpDocument, { input: { email, handle, password, displayName: overrides.displayName ?? `Test ${handle}` } });
  if (result.errors) throw new Error(`signUp failed: ${JSON.stringify(result.errors)}`);
  const payload = result.data!.signUp;
  return { id: payload.profile.id, handle, email, password, token: payload.accessToken, refreshToken: payload.refreshToken };
}

/** A profile holding the ADMIN role (granted directly in the database, as a fixture). */
export async function signUpAdmin(app: TestApp): Promise<SignedUpProfile> {
  const profile = await signUp(app, { handle: uniqueHandle('admin') });
  await app.sql(`UPDATE community.profiles SET roles = '{MEMBER,ADMIN}' WHERE id = $1`, [profile.id]);
  return profile;
}

/** The email that test apps list in ADMIN_EMAILS. */
export const ADMIN_EMAIL = 'admin@foule.test';

export function errorCode(result: { errors?: { extensions: { code: string } }[] }): string | undefined {
  return result.errors?.[0]?.extensions.code;
}
