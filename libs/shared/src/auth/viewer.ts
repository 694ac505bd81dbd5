export const ROLES = ['MEMBER', 'ANALYST', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a signed-in profile with its current roles. Anonymous callers have no Viewer. */
export interface Viewer {
  profileId: string;
  roles: Role[];
  /** The sign-in session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

export function hasRole(viewer: Viewer | null | undefined, ...roles: Role[]): boolean {
  return Boolean(viewer && viewer.roles.some((role) => roles.includes(role)));
}

/**
 * Looks up a signed-in profile's current roles within a live session (null when the profile
 * is gone or the session was signed out or revoked), so role changes and sign-outs take
 * effect on the next request, not when the access token expires.
 */
export abstract class ViewerDirectory {
  abstract findRoles(profileId: string, sessionId: string): Promise<Role[] | null>;
}
