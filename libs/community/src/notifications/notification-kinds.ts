/** The notification kinds of RUNTIME.md (version 1 and 2), and those emailed unless a profile says otherwise. */
export const NOTIFICATION_KINDS = [
  'PLEDGE_RECEIVED',
  'CAMPAIGN_SUCCEEDED',
  'CAMPAIGN_FAILED',
  'PAYMENT_FAILED',
  'PLEDGE_DROPPED',
  'UPDATE_POSTED',
  'ENTRY_SUBMITTED',
  'ENTRY_RATED',
  'ENTRY_ELIMINATED',
  'FINALIST_SELECTED',
  'CONTEST_WON',
  'HANDOVER_DELIVERED',
  'PAYOUT_PAID',
  'NEW_FOLLOWER',
  'COMMENT_REPLY',
  'CAMPAIGN_LAUNCHED',
  'INCREMENT_FAILED',
  'COLLABORATOR_ADDED',
  'ROYALTY_PAID',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What costs money or ends something: worth an email to everyone who has not chosen otherwise. */
export const DEFAULT_EMAIL_KINDS: readonly NotificationKind[] = [
  'PAYMENT_FAILED',
  'INCREMENT_FAILED',
  'CAMPAIGN_SUCCEEDED',
  'CAMPAIGN_FAILED',
  'PLEDGE_DROPPED',
  'CONTEST_WON',
  'PAYOUT_PAID',
  'ROYALTY_PAID',
];

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/** SQL: "this notification's kind is emailed to its recipient" (settings row alias, kind expression, parameter holding DEFAULT_EMAIL_KINDS). */
export const emailedKindCondition = (settings: string, kind: string, defaultsParam: string) =>
  `coalesce(${settings}.email_kinds, ${defaultsParam}::text[]) @> ARRAY[${kind}]::text[]`;

/** DEFAULT_EMAIL_KINDS as a query parameter. */
export const DEFAULT_EMAIL_KINDS_PARAM: string[] = [...DEFAULT_EMAIL_KINDS];
