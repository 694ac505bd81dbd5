import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AnalyticsModule } from '@foule/analytics';
import { CommunityModule } from '@foule/community';
import { ContestModule } from '@foule/contest';
import { FilesModule } from '@foule/files';
import { FundingModule } from '@foule/funding';
import { PaymentsModule } from '@foule/payments';
import {
  AccessGuard,
  AccessTokenService,
  ConfigModule,
  CoreModule,
  HttpErrorFilter,
  InputValidationPipe,
  JobsModule,
  QueryLog,
  RATE_LIMITER,
  SLOW_QUERY_MS,
  ViewerContext,
  ViewerDirectory,
  dataSourceOptions,
  guardFieldResolvers,
  type AppConfig,
  type RateLimiter,
} from '@foule/shared';
import { DATABASE_PARTS } from './database-parts';
import { graphqlOptions } from './graphql-options';
import { HealthController } from './health.controller';

export interface AppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: Logger;
  /** The api serves GraphQL and HTTP; the worker only runs jobs. */
  serveHttp: boolean;
  processJobs: boolean;
}

/** The feature modules, in one list for the app and the access audit. */
export const FEATURE_MODULES = [CommunityModule, PaymentsModule, FundingModule, FilesModule, ContestModule, AnalyticsModule];

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const { config, databaseUrl, logger } = options;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          dataSourceOptions(databaseUrl, DATABASE_PARTS, {
            logger: new QueryLog(logger.child({ context: 'SQL' })),
            maxQueryExecutionTime: SLOW_QUERY_MS,
          }),
        ),
        CoreModule,
        JobsModule.forRoot({
          databaseUrl,
          process: options.processJobs,
          pollingIntervalSeconds: config.jobPollIntervalSeconds,
        }),
        ...(options.serveHttp
          ? [
              GraphQLModule.forRootAsync<ApolloDriverConfig>({
                driver: ApolloDriver,
                imports: [CommunityModule],
                inject: [AccessTokenService, ViewerDirectory, RATE_LIMITER],
                useFactory: (tokens: AccessTokenService, directory: ViewerDirectory, limiter: RateLimiter) => {
                  // Field resolvers run without Nest's per-field guard (graphql-options.ts): those
                  // with a rule other than @Public() get it as a field middleware instead.
                  guardFieldResolvers([CoreModule, ...FEATURE_MODULES]);
                  return graphqlOptions(config, new ViewerContext(tokens, directory), logger, limiter);
                },
              }),
            ]
          : []),
        ...FEATURE_MODULES,
      ],
      controllers: options.serveHttp ? [HealthController] : [],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
