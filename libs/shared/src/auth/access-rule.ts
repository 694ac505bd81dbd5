import type { Role } from './viewer';

/** Metadata key under which resolvers declare who may call them. */
export const ACCESS_METADATA = 'foule:access';

export type AccessRule = { kind: 'public' } | { kind: 'signedIn' } | { kind: 'roles'; roles: Role[] };
