import { Injectable } from '@nestjs/common';
import { byKeys, type GraphQLContext } from '@foule/shared';
import { ProfileService } from './profiles/profile.service';
import { CrowdStatsRegistry, type CrowdStatsContributor } from './stats/crowd-stats.registry';
import type { ProfileEntity } from './profiles/profile.entity';

/** What other modules may ask of community. */
@Injectable()
export class CommunityFacade {
  constructor(
    private readonly profiles: ProfileService,
    private readonly crowdStats: CrowdStatsRegistry,
  ) {}

  /** A profile by id through the request's DataLoader (one query per batch of parents). */
  loadProfile(context: GraphQLContext, id: string): Promise<ProfileEntity | null> {
    return context.loaders
      .get<string, ProfileEntity | null>('community.profileById', async (ids) => byKeys(ids, await this.profiles.findByIds(ids), (p) => p.id))
      .load(id);
  }

  async profileExists(id: string): Promise<boolean> {
    return (await this.profiles.findById(id)) !== null;
  }

  registerCrowdStats(contributor: CrowdStatsContributor): void {
    this.crowdStats.register(contributor);
  }
}
