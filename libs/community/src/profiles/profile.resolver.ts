import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Public, Roles, SignedIn, type GraphQLContext, type Viewer } from '@foule/shared';
import { CrowdStatsRegistry } from '../stats/crowd-stats.registry';
import { ProfileEntity } from './profile.entity';
import { CrowdStatsModel, ProfileModel, RoleEnum } from './profile.model';
import { FollowService } from './follow.service';
import { ProfileService } from './profile.service';
import { isOwnProfile } from './profile-owner';
import { UpdateProfileInput } from './profile.inputs';
import { MoneyType, type Role } from '@foule/shared';

@Public()
@Resolver(() => ProfileModel)
export class ProfileResolver {
  constructor(
    private readonly profiles: ProfileService,
    private readonly crowdStats: CrowdStatsRegistry,
    private readonly follows: FollowService,
  ) {}

  @Public()
  @Query(() => ProfileModel, { nullable: true, description: 'The signed-in profile; null when anonymous' })
  me(@CurrentViewer() viewer: Viewer | null) {
    return viewer ? this.profiles.findById(viewer.profileId) : null;
  }

  @Public()
  @Query(() => ProfileModel, { nullable: true })
  profile(@Args('handle') handle: string) {
    return this.profiles.findByHandle(handle);
  }

  @SignedIn()
  @Mutation(() => ProfileModel)
  updateProfile(@CurrentViewer() viewer: Viewer, @Args('input') input: UpdateProfileInput) {
    return this.profiles.update(viewer, input);
  }

  @SignedIn()
  @Mutation(() => ProfileModel)
  follow(@CurrentViewer() viewer: Viewer, @Args('profileId', { type: () => ID }) profileId: string) {
    return this.follows.follow(viewer, profileId);
  }

  @SignedIn()
  @Mutation(() => ProfileModel)
  unfollow(@CurrentViewer() viewer: Viewer, @Args('profileId', { type: () => ID }) profileId: string) {
    return this.follows.unfollow(viewer, profileId);
  }

  @Roles('ADMIN')
  @Mutation(() => ProfileModel, { description: 'ADMIN only; the first admins come from ADMIN_EMAILS' })
  grantRole(@Args('profileId', { type: () => ID }) profileId: string, @Args('role', { type: () => RoleEnum }) role: Role) {
    return this.profiles.grantRole(profileId, role);
  }

  @Roles('ADMIN')
  @Mutation(() => ProfileModel, { description: 'ADMIN only' })
  revokeRole(@Args('profileId', { type: () => ID }) profileId: string, @Args('role', { type: () => RoleEnum }) role: Role) {
    return this.profiles.revokeRole(profileId, role);
  }

  @ResolveField(() => String, { nullable: true, description: "The profile's email: its owner only, null for anyone else" })
  email(@Parent() profile: ProfileEntity, @CurrentViewer() viewer: Viewer | null) {
    return isOwnProfile(profile, viewer) ? profile.email : null;
  }

  @ResolveField(() => Boolean, {
    nullable: true,
    description: 'Whether the owner followed a verification link sent to the email: its owner only, null for anyone else',
  })
  emailVerified(@Parent() profile: ProfileEntity, @CurrentViewer() viewer: Viewer | null) {
    return isOwnProfile(profile, viewer) ? profile.emailVerifiedAt !== null : null;
  }

  @ResolveField(() => Int)
  async followersCount(@Parent() profile: ProfileEntity, @Context() context: GraphQLContext) {
    return (await this.followCounts(context).load(profile.id)).followers;
  }

  @ResolveField(() => Int)
  async followingCount(@Parent() profile: ProfileEntity, @Context() context: GraphQLContext) {
    return (await this.followCounts(context).load(profile.id)).following;
  }

  @ResolveField(() => Boolean)
  viewerIsFollowing(@Parent() profile: ProfileEntity, @Context() context: GraphQLContext) {
    const viewer = context.viewer;
    if (!viewer || viewer.profileId === profile.id) return false;
    return context.loaders
      .get<string, boolean>('profile.viewerIsFollowing', (ids) => this.profiles.followedBy(viewer.profileId, ids))
      .load(profile.id);
  }

  @ResolveField(() => CrowdStatsModel)
  async stats(@Parent() profile: ProfileEntity, @Context() context: GraphQLContext) {
    const stats = await context.loaders
      .get<string, Awaited<ReturnType<CrowdStatsRegistry['statsFor']>>[number]>('profile.stats', (ids) =>
        this.crowdStats.statsFor(ids),
      )
      .load(profile.id);
    return { ...stats, prizeMoneyWon: stats.prizeMoneyWon.map((money) => MoneyType.of(money)), royaltiesEarned: stats.royaltiesEarned.map((money) => MoneyType.of(money)) };
  }

  private followCounts(context: GraphQLContext) {
    return context.loaders.get('profile.followCounts', (ids: readonly string[]) => this.profiles.followCounts(ids));
  }
}
