import { hasRole, type Viewer } from '@foule/shared';

/** A profile's payout account and payouts are its own business, and its admins': everyone else sees null. */
export function ownerOrAdmin(viewer: Viewer | null | undefined, profileId: string): boolean {
  return viewer?.profileId === profileId || hasRole(viewer, 'ADMIN');
}
