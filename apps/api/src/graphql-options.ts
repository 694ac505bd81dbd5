import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import {
  DateTimeScalar,
  FixedWindowRateLimiter,
  LoaderRegistry,
  type ViewerContext,
  formatGraphQLError,
  queryLimitsPlugin,
  rateLimitPlugin,
  statementsSoFar,
  type AppConfig,
  type GraphQLContext,
} from '@foule/shared';
import type { Request } from 'express';

interface WsExtra {
  viewerState?: Awaited<ReturnType<ViewerContext['fromAuthorization']>>;
  request?: { socket?: { remoteAddress?: string } };
}

/** Apollo on /graphql and graphql-ws on the same path; one error shape; limits before execution. */
export function graphqlOptions(config: AppConfig, viewers: ViewerContext, logger: Logger): ApolloDriverConfig {
  let schema: GraphQLSchema | undefined;
  const exposeInternals = config.nodeEnv === 'development' && config.logLevel === 'debug';
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    buildSchemaOptions: { dateScalarMode: 'isoDate', scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
    fieldResolverEnhancers: ['guards'],
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    playground: false,
    plugins: [
      queryLimitsPlugin(() => schema!),
      rateLimitPlugin(new FixedWindowRateLimiter(config.rateLimitPerMinute)),
      ...(config.nodeEnv === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
      { serverWillStart: async ({ schema: built }: { schema: GraphQLSchema }) => void (schema = built) },
      ...(config.nodeEnv === 'test' ? [sqlStatementsPlugin()] : []),
    ],
    formatError: (formatted, error) =>
      formatGraphQLError(formatted, error, {
        exposeInternals,
        report: (cause) => logger.error({ err: cause }, 'unexpected error in a GraphQL operation'),
      }),
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: async (context) => {
          const params = context.connectionParams ?? {};
          const header = params.authorization ?? params.Authorization;
          const state = await viewers.fromAuthorization(header);
          (context.extra as WsExtra).viewerState = state;
          // A bad token closes the socket (4403 Forbidden in graphql-ws terms) rather than
          // silently serving an anonymous subscription.
          return !state.authError;
        },
      },
    },
    context: async ({ req, extra }: { req?: Request; extra?: WsExtra }): Promise<GraphQLContext> => {
      if (extra) {
        const state = extra.viewerState ?? { viewer: null };
        return {
          viewer: state.viewer,
          authError: state.authError,
          clientKey: extra.request?.socket?.remoteAddress ?? 'ws',
          loaders: new LoaderRegistry(),
        };
      }
      const state = await viewers.fromAuthorization(req?.headers.authorization);
      return {
        req,
        viewer: state.viewer,
        authError: state.authError,
        clientKey: req?.ip ?? 'unknown',
        loaders: new LoaderRegistry(),
      };
    },
  };
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
