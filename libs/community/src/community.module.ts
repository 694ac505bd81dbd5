import { Module, type OnModuleInit } from '@nestjs/common';
import { NodeRegistry, ViewerDirectory } from '@foule/shared';
import { AuthResolver } from './auth/auth.resolver';
import { AuthService } from './auth/auth.service';
import { CommunityFacade } from './community.facade';
import { ProfileResolver } from './profiles/profile.resolver';
import { ProfileService } from './profiles/profile.service';
import { CrowdStatsRegistry } from './stats/crowd-stats.registry';

@Module({
  providers: [
    ProfileService,
    { provide: ViewerDirectory, useExisting: ProfileService },
    AuthService,
    CrowdStatsRegistry,
    CommunityFacade,
    ProfileResolver,
    AuthResolver,
  ],
  exports: [CommunityFacade, ViewerDirectory],
})
export class CommunityModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly community: CommunityFacade,
  ) {}

  onModuleInit(): void {
    this.nodes.register('profile', (id, context) => this.community.loadProfile(context as never, id));
  }
}
