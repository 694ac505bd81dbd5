import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AccessTokenService } from './auth/access-token.service';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { CrashPoints } from './faults/crash-points';
import { NodeRegistry } from './graphql/node';
import { NodeResolver } from './graphql/node.resolver';
import { createPubSub, PUB_SUB } from './pubsub/pubsub';

/** Plumbing every module uses: tokens, the node registry, the pubsub. */
@Global()
@Module({
  providers: [
    AccessTokenService,
    CrashPoints,
    NodeRegistry,
    NodeResolver,
    { provide: PUB_SUB, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createPubSub(config.redisUrl) },
  ],
  exports: [AccessTokenService, CrashPoints, NodeRegistry, PUB_SUB],
})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(PUB_SUB) private readonly pubsub: { close?: () => Promise<void> }) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pubsub.close?.();
  }
}
