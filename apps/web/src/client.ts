/**
 * The GraphQL client: urql with a normalized cache (graphcache), queries and mutations over
 * HTTP with the access token, subscriptions over graphql-ws (`/graphql`, the token in the
 * connection parameters). A request that carried a token and was answered UNAUTHENTICATED is
 * sent again once after a silent refresh.
 */
import { cacheExchange, type Cache } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';
import { Client, fetchExchange, subscriptionExchange } from 'urql';
import { getSession, refreshSession } from './session';

/** Types without an id: stored inside their parent, never on their own. */
const EMBEDDED = [
  'Money',
  'PageInfo',
  'CrowdStats',
  'HttpHeader',
  'UploadTicket',
  'PledgeAddOn',
  'SimilarEntry',
  'AuthPayload',
  'NotificationSettings',
  'PollOption',
  'CampaignConnection',
  'CampaignEdge',
  'ContestConnection',
  'ContestEdge',
  'EntryConnection',
  'EntryEdge',
  'CommentConnection',
  'CommentEdge',
  'CampaignUpdateConnection',
  'CampaignUpdateEdge',
  'NotificationConnection',
  'NotificationEdge',
  'PledgeConnection',
  'PledgeEdge',
];

/** Drops every cached page of a list field, whatever its arguments: the queries showing it refetch. */
function invalidateList(cache: Cache, entity: string | { __typename: string; id: string }, fieldName: string) {
  const key = typeof entity === 'string' ? entity : cache.keyOfEntity(entity);
  if (!key) return;
  for (const field of cache.inspectFields(key)) if (field.fieldName === fieldName) cache.invalidate(key, field.fieldName, field.arguments ?? undefined);
}

const withToken = (headers: HeadersInit | undefined, token: string | undefined): Headers => {
  const result = new Headers(headers);
  if (token) result.set('authorization', `Bearer ${token}`);
  else result.delete('authorization');
  return result;
};

async function authorizedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const token = getSession()?.accessToken;
  const response = await fetch(input, { ...init, headers: withToken(init.headers, token) });
  if (!token) return response;
  const body = (await response.clone().json().catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
  if (!body?.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) return response;
  const renewed = await refreshSession();
  if (!renewed || renewed.accessToken === token) return response;
  return fetch(input, { ...init, headers: withToken(init.headers, renewed.accessToken) });
}

/** The client, and how to close its WebSocket when another viewer's client replaces it. */
export function createClient(): { client: Client; dispose: () => void } {
  const url = `${location.origin}/graphql`;
  const ws = createWsClient({
    url: url.replace(/^http/, 'ws'),
    lazy: true,
    // Read at each (re)connect: after a silent refresh the socket reconnects with the new token.
    connectionParams: async () => {
      const session = getSession();
      if (session && new Date(session.expiresAt).getTime() < Date.now() + 5_000) await refreshSession();
      const token = getSession()?.accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: 1_000,
    shouldRetry: () => true,
  });
  const cache = cacheExchange({
    keys: Object.fromEntries(EMBEDDED.map((type) => [type, () => null])),
    updates: {
      Mutation: {
        submitEntry: (_result, args, cache) => invalidateList(cache, { __typename: 'Contest', id: (args.input as { contestId: string }).contestId }, 'entries'),
        addComment: (_result, args, cache) => {
          const { subjectId } = args.input as { subjectId: string };
          for (const typename of ['Campaign', 'CampaignUpdate', 'Comment']) invalidateList(cache, { __typename: typename, id: subjectId }, 'comments');
        },
        markNotificationsRead: (_result, _args, cache) => invalidateList(cache, 'Query', 'notifications'),
        selectFinalists: (_result, args, cache) => invalidateList(cache, { __typename: 'Contest', id: args.contestId as string }, 'entries'),
      },
      Subscription: {
        entrySubmitted: (_result, args, cache) => invalidateList(cache, { __typename: 'Contest', id: args.contestId as string }, 'entries'),
        notificationAdded: (_result, _args, cache) => invalidateList(cache, 'Query', 'notifications'),
      },
    },
  });
  const client = new Client({
    url,
    // POST only: the api keeps Apollo's CSRF prevention on, which refuses simple GETs.
    preferGetMethod: false,
    fetch: authorizedFetch,
    exchanges: [
      cache,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
