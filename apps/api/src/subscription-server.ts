/**
 * graphql-ws on /graphql with the rules of GraphQL over HTTP: the same query limits, input
 * checks, rate limit and error shape, plus what only a socket needs: a bound on the
 * subscriptions one socket holds, and the session checked again before each event, so that a
 * sign-out, a revoked session or an expired access token ends what the socket receives.
 */
import type { Context, ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import {
  clientAddress,
  inputTextError,
  inputTextProblems,
  queryLimitsError,
  rateLimitKey,
  rateLimitedError,
  type RateLimiter,
  type TrustFunction,
  type ViewerContext,
} from '@foule/shared';
import { lifecycle, TRY_AGAIN_LATER } from './lifecycle';

/** graphql-ws' close code for "Forbidden", as for a bad token at connect. */
const FORBIDDEN_CLOSE_CODE = 4403;

export type ViewerState = Awaited<ReturnType<ViewerContext['fromAuthorization']>>;

export interface SocketExtra {
  socket: { close(code: number, reason: string): void };
  /** The HTTP upgrade request that opened the socket. */
  request: IncomingMessage;
  /** What the client sent at connect, checked again before each event. */
  authorization?: unknown;
  viewerState?: ViewerState;
}

export interface SubscriptionServerDependencies {
  viewers: ViewerContext;
  limiter: RateLimiter;
  getSchema: () => GraphQLSchema;
  maxSubscriptionsPerSocket: number;
  /** As Apollo does in production: no introspection, no "Did you mean ...?" in validation errors. */
  hideSchema: boolean;
  /** The HTTP error formatter, so socket errors carry the same codes. */
  formatError: (error: GraphQLError) => GraphQLFormattedError;
  /** TRUST_PROXY: whose X-Forwarded-For names the client, as for HTTP requests. */
  trustProxy: TrustFunction;
}

/** The socket's client address (its upgrade request's, under TRUST_PROXY), for per-address limits. */
export function socketClientKey(extra: SocketExtra, trust: TrustFunction): string {
  return clientAddress(extra.request, trust) ?? 'ws';
}

export function subscriptionServerOptions(
  deps: SubscriptionServerDependencies,
): ServerOptions<Record<string, unknown>, SocketExtra> {
  const refuse = (error: GraphQLError) => [error];
  const validationRules = deps.hideSchema ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
  const format = (error: GraphQLError) => {
    // Before formatting, as Apollo's own plugin does, so that `fields` do not repeat the suggestion.
    if (deps.hideSchema) error.message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
    return deps.formatError(error);
  };
  return {
    onConnect: async (context) => {
      // A draining server takes no new socket: 1013, try again (another instance).
      if (lifecycle.draining) {
        context.extra.socket.close(TRY_AGAIN_LATER, 'The server is shutting down: reconnect');
        return false;
      }
      lifecycle.sockets.add(context.extra.socket);
      const params = context.connectionParams ?? {};
      const authorization = params.authorization ?? params.Authorization;
      const state = await deps.viewers.fromAuthorization(authorization);
      Object.assign(context.extra, { authorization, viewerState: state });
      // A bad token closes the socket (4403) rather than silently serving an anonymous subscription.
      return !state.authError;
    },

    onSubscribe: async (context, _id, payload) => {
      const { extra } = context;
      if (lifecycle.draining) {
        return refuse(
          new GraphQLError('The server is shutting down: subscribe again after reconnecting', {
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 },
          }),
        );
      }
      // graphql-ws has registered this one already: it counts. Checked before anything awaits, so
      // that subscribes sent together are each counted against the ones before them only.
      const active = Object.keys(context.subscriptions).length;
      if (active > deps.maxSubscriptionsPerSocket) {
        return refuse(
          new GraphQLError(
            `At most ${deps.maxSubscriptionsPerSocket} subscriptions may be active on one socket: complete one first`,
            {
              extensions: { code: 'RATE_LIMITED' },
            },
          ),
        );
      }
      // The rate limit may ask Redis (shared by every instance): after the synchronous checks.
      const verdict = await deps.limiter.hit(
        rateLimitKey({ viewer: extra.viewerState?.viewer ?? null, clientKey: socketClientKey(extra, deps.trustProxy) }),
      );
      if (!verdict.allowed) return refuse(rateLimitedError(verdict.retryAfterSeconds));
      const schema = deps.getSchema();
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (error) {
        return refuse(error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed'));
      }
      const invalid = validate(schema, document, validationRules);
      if (invalid.length > 0) return [...invalid];
      const tooComplex = queryLimitsError(schema, document, payload.operationName, payload.variables);
      if (tooComplex) return refuse(tooComplex);
      const problems = inputTextProblems(schema, document, payload.variables, payload.operationName);
      if (problems.length > 0) return refuse(inputTextError(problems));
      return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
    },

    onNext: async (context, _id, _payload, _args, result) => {
      if (context.extra.viewerState?.viewer && !(await sessionStillValid(deps.viewers, context))) {
        // Closing first makes graphql-ws drop the event: it sends nothing on a closing socket.
        context.extra.socket.close(FORBIDDEN_CLOSE_CODE, 'Forbidden: the session ended or its access token expired');
        return;
      }
      if (!result.errors) return;
      return { ...result, errors: result.errors.map(format) };
    },

    onError: (_context, _id, _payload, errors) => errors.map(format),

    onClose: (context) => {
      lifecycle.sockets.delete(context.extra.socket);
    },
  };
}

async function sessionStillValid(
  viewers: ViewerContext,
  context: Context<Record<string, unknown>, SocketExtra>,
): Promise<boolean> {
  const state = await viewers.fromAuthorization(context.extra.authorization);
  return Boolean(state.viewer);
}
