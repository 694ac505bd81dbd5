import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import {
  DateTimeScalar,
  DomainError,
  LoaderRegistry,
  type ViewerContext,
  formatGraphQLError,
  inputTextPlugin,
  queryLimitsPlugin,
  rateLimitPlugin,
  statementsSoFar,
  trustFunction,
  type AppConfig,
  type GraphQLContext,
  type RateLimiter,
} from '@foule/shared';
import type { Request } from 'express';
import type { ServerOptions } from 'graphql-ws';
import { socketClientKey, subscriptionServerOptions, type SocketExtra } from './subscription-server';

/** Apollo on /graphql and graphql-ws on the same path; one error shape; limits before execution. */
export function graphqlOptions(
  config: AppConfig,
  viewers: ViewerContext,
  logger: Logger,
  limiter: RateLimiter,
): ApolloDriverConfig {
  let schema: GraphQLSchema | undefined;
  const getSchema = () => schema!;
  // The same rule as Express's `trust proxy` (bootstrap.ts), for graphql-ws upgrade requests.
  const trustProxy = trustFunction(config.trustProxy);
  const exposeInternals = config.nodeEnv === 'development' && config.logLevel === 'debug';
  // One allowance per caller (across instances with Redis), spent by HTTP requests and subscribes alike.
  const formatError = (formatted: GraphQLFormattedError, error: unknown) =>
    formatGraphQLError(formatted, error, {
      exposeInternals,
      report: (cause) => logger.error({ err: cause }, 'unexpected error in a GraphQL operation'),
    });
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    buildSchemaOptions: { dateScalarMode: 'isoDate', scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
    // No per-field guard: operations are guarded (AccessGuard), and field resolvers whose rule is
    // not @Public() get it as a field middleware (guardFieldResolvers, in app.module.ts). A field
    // resolver with plain (parent, args, context) parameters is then called by graphql-js
    // directly, without Nest's guard and parameter pipeline on each object of a page.
    fieldResolverEnhancers: [],
    csrfPrevention: true,
    // In production the schema is not handed out: no introspection, and no "Did you mean ...?"
    // in validation errors, which would spell it out one field at a time.
    introspection: config.nodeEnv !== 'production',
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    includeStacktraceInErrorResponses: false,
    playground: false,
    plugins: [
      rateLimitPlugin(limiter),
      queryLimitsPlugin(getSchema),
      inputTextPlugin(getSchema),
      ...(config.nodeEnv === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
      // Apollo installs its cache-control plugin unless told not to; Foule sets no cache hints,
      // and that plugin's willResolveField makes Apollo wrap and report every field of every object.
      ApolloServerPluginCacheControlDisabled(),
      { serverWillStart: async ({ schema: built }: { schema: GraphQLSchema }) => void (schema = built) },
      ...(config.nodeEnv === 'test' ? [sqlStatementsPlugin()] : []),
    ],
    formatError,
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        // Nest types the graphql-ws options it forwards narrowly (an untyped `extra`, no
        // `onError`), and forwards them all to graphql-ws' useServer.
        ...(subscriptionServerOptions({
          viewers,
          limiter,
          getSchema,
          maxSubscriptionsPerSocket: config.maxSubscriptionsPerSocket,
          hideSchema: config.nodeEnv === 'production',
          formatError: (error: GraphQLError) => formatError(error.toJSON(), error),
          trustProxy,
        }) as ServerOptions),
      },
    },
    context: async ({ req, extra }: { req?: Request; extra?: SocketExtra }): Promise<GraphQLContext> => {
      if (extra) {
        const state = extra.viewerState ?? { viewer: null };
        return {
          viewer: state.viewer,
          authError: state.authError,
          clientKey: socketClientKey(extra, trustProxy),
          loaders: new LoaderRegistry(),
        };
      }
      const state = await viewers.fromAuthorization(req?.headers.authorization).catch((cause: unknown) => {
        logger.error({ err: cause }, "could not check the request's session");
        throw sessionCheckUnavailable();
      });
      return {
        req,
        viewer: state.viewer,
        authError: state.authError,
        // Express's req.ip: the peer, or under TRUST_PROXY the client its trusted proxies name.
        clientKey: req?.ip ?? 'unknown',
        loaders: new LoaderRegistry(),
      };
    },
  };
}

/**
 * The session could not be checked (the database is out of reach): 503 with Retry-After, so
 * clients and load balancers try again, where Apollo answers 500 to a context that failed.
 */
function sessionCheckUnavailable(): GraphQLError {
  const message = 'The service is briefly unavailable: try again in a moment';
  return new GraphQLError(message, {
    originalError: new DomainError('INTERNAL_SERVER_ERROR', message),
    extensions: { http: { status: 503, headers: new Map([['retry-after', '1']]) } },
  });
}

/**
 * In tests only: `extensions.sqlStatements` on each response, the number of SQL statements the
 * request ran, so tests can hold list pages to a constant number whatever their size.
 */
function sqlStatementsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: statementsSoFar() };
        },
      };
    },
  };
}
