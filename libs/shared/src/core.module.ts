import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AccessTokenService } from './auth/access-token.service';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { CrashPoints } from './faults/crash-points';
import { NodeRegistry } from './graphql/node';
import { NodeResolver } from './graphql/node.resolver';
import { createPubSub, PUB_SUB } from './pubsub/pubsub';
import { createRateLimiter, RATE_LIMITER, rateLimitNamespace, type RateLimiter } from './graphql/rate-limit';

/** Plumbing every module uses: tokens, the node registry, the pubsub. */
@Global()
@Module({
  providers: [
    AccessTokenService,
    CrashPoints,
    NodeRegistry,
    NodeResolver,
    { provide: PUB_SUB, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createPubSub(config.redisUrl) },
    {
      provide: RATE_LIMITER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createRateLimiter({
          limit: config.rateLimitPerMinute,
          redisUrl: config.redisUrl,
          namespace: rateLimitNamespace(config.databaseUrl, config.dataDir),
        }),
    },
  ],
  exports: [AccessTokenService, CrashPoints, NodeRegistry, PUB_SUB, RATE_LIMITER],
})
export class CoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(PUB_SUB) private readonly pubsub: { close?: () => Promise<void> },
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pubsub.close?.(), this.limiter.close?.()]);
  }
}
