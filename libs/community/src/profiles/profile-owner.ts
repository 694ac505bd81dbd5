import type { Viewer } from '@foule/shared';
import type { ProfileEntity } from './profile.entity';

/**
 * Profiles handed back to the caller who has just proved to own them (signUp, signIn,
 * refreshSession): that request carries no access token yet, so the viewer alone would take
 * the caller for a stranger. The mark lives on the loaded entity, so it lasts one response.
 */
const justAuthenticated = new WeakSet<ProfileEntity>();

export function markJustAuthenticated<T extends { profile: ProfileEntity }>(session: T): T {
  justAuthenticated.add(session.profile);
  return session;
}

/** Whether the caller owns this profile: signed in as it, or just authenticated as it. */
export function isOwnProfile(profile: ProfileEntity, viewer: Viewer | null): boolean {
  return viewer?.profileId === profile.id || justAuthenticated.has(profile);
}
