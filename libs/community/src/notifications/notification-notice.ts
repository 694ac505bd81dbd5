/**
 * What a module hands to CommunityFacade.notify: one fact, what to tell, and whom. Written to
 * the outbox in the caller's transaction; recipients behind an audience (a campaign's backers,
 * a profile's followers) are resolved when the relay delivers, in one query per audience.
 */
import type { NotificationKind } from './notification-kinds';

export { NOTIFICATION_KINDS, isNotificationKind, type NotificationKind } from './notification-kinds';

export interface AudienceRef {
  /** A name registered with CommunityFacade.registerAudience, e.g. funding.campaignBackers. */
  name: string;
  id: string;
}

export interface NotificationNotice {
  /** Names the fact, unique across all facts (e.g. `funding.pledge.dropped:pld_...`): the same key twice is told once. */
  key: string;
  kind: NotificationKind;
  message: string;
  subjectId: string | null;
  relatedIds?: string[];
  /** When the recipient must act by (ISO 8601), e.g. the end of a failed payment's retry window: its email states it. */
  deadline?: string;
  /** Profiles told by id. */
  recipients?: string[];
  /** Groups of profiles resolved at delivery. */
  audiences?: AudienceRef[];
  /** Never told, whatever the audiences hold (the profile who acted). */
  except?: string[];
}

/** The profile ids of one audience, e.g. every backer of a campaign: one query, however many. */
export type AudienceResolver = (id: string) => Promise<string[]>;

/** Everyone a notice reaches, each once, without the excepted. */
export function recipientsOf(notice: NotificationNotice, audiences: string[][]): string[] {
  const except = new Set(notice.except ?? []);
  const all = new Set<string>([...(notice.recipients ?? []), ...audiences.flat()]);
  return [...all].filter((id) => !except.has(id));
}
