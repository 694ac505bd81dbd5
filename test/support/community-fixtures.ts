/** Fixture helpers for comments and notifications. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { SignedUpProfile } from './fixtures';
import { eventually } from './payments-fixtures';
import type { TestApp } from './test-app';

export const NOTIFICATION_FIELDS = 'id kind message subjectId relatedIds read readAt createdAt';

export async function notificationsOf(app: TestApp, profile: SignedUpProfile, unreadOnly = false) {
  const result = await app.gql(
    `query($unreadOnly: Boolean) { notifications(unreadOnly: $unreadOnly, first: 100) { totalCount edges { node { ${NOTIFICATION_FIELDS} } } } }`,
    { unreadOnly },
    profile.token,
  );
  if (result.errors) throw new Error(`notifications failed: ${JSON.stringify(result.errors)}`);
  return result.data!.notifications.edges.map((edge: { node: any }) => edge.node) as any[];
}

/** Waits until the profile holds a notification of `kind` (about `subjectId`, when given). */
export function waitForNotification(
  app: TestApp,
  profile: SignedUpProfile,
  kind: string,
  subjectId?: string,
  timeoutMs = 20_000,
) {
  return eventually(
    async () => (await notificationsOf(app, profile)).find((n) => n.kind === kind && (!subjectId || n.subjectId === subjectId)),
    timeoutMs,
    `a ${kind} notification for ${profile.handle}`,
  );
}

/** A notificationAdded subscription of `profile` over graphql-ws; `events` fills as the server pushes. */
export async function subscribeToNotifications(baseUrl: string, profile: SignedUpProfile) {
  const client = createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${profile.token}` },
  });
  const events: any[] = [];
  const errors: unknown[] = [];
  client.subscribe(
    { query: `subscription { notificationAdded { ${NOTIFICATION_FIELDS} } }` },
    {
      next: (message) => (message.errors ? errors.push(message.errors) : events.push(message.data?.notificationAdded)),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  // The server registers the subscription asynchronously; give it a moment before acting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { events, errors, close: () => client.dispose() };
}
