/** Fixture helpers for comments and notifications. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { FollowIdDocument } from '../documents/graphql';
import { signUp, type SignedUpProfile } from './fixtures';
import { eventually, holdsWithin } from './payments-fixtures';
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

/** How long one attempt at hearing the probe may take (the notification comes through the outbox) before another socket is tried. */
const PROBE_ATTEMPT_MS = 10_000;
const PROBE_ATTEMPTS = 3;

/**
 * A notificationAdded subscription of `profile` over graphql-ws, returned once the server has
 * registered it, with `events` empty; they fill as the server pushes.
 *
 * graphql-ws acknowledges a connection, not a subscribe, so registration is proved by an event: a
 * new profile follows `profile` through `app` (one NEW_FOLLOWER notification). Once it has arrived
 * it is dropped; a socket that heard nothing within the attempt is closed and another one tried
 * (with another follower), so a late probe can never reach the returned one. Pass `on` to watch
 * through another api instance (a peer) than the one the probe goes through.
 */
export async function subscribeToNotifications(app: TestApp, profile: SignedUpProfile, on: Pick<TestApp, 'baseUrl'> = app) {
  for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
    const watch = notificationSocket(on.baseUrl, profile);
    // Acknowledged connection first: the subscribe is then on its way, and the probe rarely outruns it.
    const [follower, connected] = await Promise.all([
      signUp(app),
      holdsWithin(() => watch.connected() || watch.errors.length > 0, 10_000),
    ]);
    if (!connected) throw new Error('the notification socket did not connect');
    const followed = await app.gql(FollowIdDocument, { id: profile.id }, follower.token);
    if (followed.errors) throw new Error(`follow failed: ${JSON.stringify(followed.errors)}`);
    const probe = (n: any) => n?.kind === 'NEW_FOLLOWER' && n.subjectId === follower.id;
    const heard = await holdsWithin(() => watch.events.some(probe) || watch.errors.length > 0, PROBE_ATTEMPT_MS);
    if (watch.errors.length > 0) {
      await watch.close();
      throw new Error(`notificationAdded of ${profile.handle} failed: ${JSON.stringify(watch.errors)}`);
    }
    if (heard) {
      watch.events.length = 0;
      return watch;
    }
    await watch.close();
  }
  throw new Error(`notificationAdded of ${profile.handle} pushed nothing in ${PROBE_ATTEMPTS} attempts`);
}

function notificationSocket(baseUrl: string, profile: SignedUpProfile) {
  let connected = false;
  const client = createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${profile.token}` },
    on: { connected: () => void (connected = true) },
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
  return { events, errors, connected: () => connected, close: () => client.dispose() };
}
