/** @foule/community: profiles, auth, follows, comments, notifications, crowd stats. */
import type { DatabasePart } from '@foule/shared';
import { RefreshTokenEntity, SignInFailureEntity } from './auth/auth.entities';
import { FollowEntity, ProfileEntity } from './profiles/profile.entity';
import { CommunityInit1795719599019 } from './migrations/1795719599019-CommunityInit';

export { CommunityModule } from './community.module';
export { CommunityFacade } from './community.facade';
export { ProfileModel } from './profiles/profile.model';
export type { CrowdStats, CrowdStatsContributor } from './stats/crowd-stats.registry';

export const communityDatabase: DatabasePart = {
  entities: [ProfileEntity, FollowEntity, RefreshTokenEntity, SignInFailureEntity],
  migrations: [CommunityInit1795719599019],
};
