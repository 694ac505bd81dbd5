/**
 * The notification kinds of RUNTIME.md (version 1 and 2), in the order the settings page lists
 * them, each said as a person reads it. `Notification.kind` and `emailKinds` are strings in the
 * schema, so the list lives here; a kind the api sends that is not listed is shown by its name.
 */
export const NOTIFICATION_KINDS: readonly { kind: string; label: string }[] = [
  { kind: 'PLEDGE_RECEIVED', label: 'A pledge to my campaign' },
  { kind: 'CAMPAIGN_LAUNCHED', label: 'A campaign I follow launched' },
  { kind: 'CAMPAIGN_SUCCEEDED', label: 'A campaign succeeded' },
  { kind: 'CAMPAIGN_FAILED', label: 'A campaign failed' },
  { kind: 'PAYMENT_FAILED', label: 'My payment failed' },
  { kind: 'INCREMENT_FAILED', label: 'A payment of my pledge over time failed' },
  { kind: 'PLEDGE_DROPPED', label: 'My pledge was dropped' },
  { kind: 'UPDATE_POSTED', label: 'An update was posted' },
  { kind: 'ENTRY_SUBMITTED', label: 'An entry to my contest' },
  { kind: 'ENTRY_RATED', label: 'My entry was rated' },
  { kind: 'ENTRY_ELIMINATED', label: 'My entry was eliminated' },
  { kind: 'FINALIST_SELECTED', label: 'My entry is a finalist' },
  { kind: 'CONTEST_WON', label: 'A contest was won' },
  { kind: 'HANDOVER_DELIVERED', label: 'A handover was delivered' },
  { kind: 'PAYOUT_PAID', label: 'A payout was paid' },
  { kind: 'ROYALTY_PAID', label: 'A royalty was paid' },
  { kind: 'NEW_FOLLOWER', label: 'A new follower' },
  { kind: 'COMMENT_REPLY', label: 'A reply to my comment' },
  { kind: 'COLLABORATOR_ADDED', label: 'I was added as a collaborator' },
];

/** The listed kinds, then any others the api returned (so saving never drops one silently). */
export function kindsToShow(emailKinds: readonly string[]): { kind: string; label: string }[] {
  const known = new Set(NOTIFICATION_KINDS.map((entry) => entry.kind));
  const others = emailKinds.filter((kind) => !known.has(kind)).map((kind) => ({ kind, label: kind.replace(/_/g, ' ').toLowerCase() }));
  return [...NOTIFICATION_KINDS, ...others];
}

/**
 * BAD_USER_INPUT's fields (`emailKinds.<index>` of the list sent) as messages by kind; a message
 * about the whole list under `emailKinds`.
 */
export function errorsByKind(fields: Record<string, string>, sent: readonly string[]): Record<string, string> {
  const byKind: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const index = /^emailKinds\.(\d+)$/.exec(path)?.[1];
    const kind = index === undefined ? undefined : sent[Number(index)];
    if (kind !== undefined) byKind[kind] = message;
    else if (path === 'emailKinds' || path.startsWith('emailKinds')) byKind.emailKinds = message;
  }
  return byKind;
}
