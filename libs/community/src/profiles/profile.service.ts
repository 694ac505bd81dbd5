import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DomainError, ROLES, ViewerDirectory, isIdOf, type Role, type Viewer } from '@foule/shared';
import { FollowEntity, ProfileEntity } from './profile.entity';
import type { UpdateProfileInput } from './profile.inputs';

export interface FollowCounts {
  followers: number;
  following: number;
}

@Injectable()
export class ProfileService extends ViewerDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  private get profiles() {
    return this.dataSource.getRepository(ProfileEntity);
  }

  async findRoles(profileId: string, sessionId: string): Promise<Role[] | null> {
    // One indexed query per request: the profile's roles, if its session is still live.
    const rows = await this.dataSource.query<{ roles: Role[] }[]>(
      `SELECT p.roles FROM community.profiles p
        WHERE p.id = $1
          AND EXISTS (SELECT 1 FROM community.refresh_tokens t
                       WHERE t.family_id = $2 AND t.profile_id = p.id AND t.revoked_at IS NULL)`,
      [profileId, sessionId],
    );
    return rows[0]?.roles ?? null;
  }

  findById(id: string): Promise<ProfileEntity | null> {
    return isIdOf('profile', id) ? this.profiles.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<ProfileEntity[]> {
    return ids.length ? this.profiles.findBy({ id: In([...ids]) }) : Promise.resolve([]);
  }

  findByHandle(handle: string): Promise<ProfileEntity | null> {
    return this.profiles.findOneBy({ handleKey: handle.trim().toLowerCase() });
  }

  async requireById(id: string): Promise<ProfileEntity> {
    const profile = await this.findById(id);
    if (!profile) throw DomainError.notFound('Profile', id);
    return profile;
  }

  async update(viewer: Viewer, input: UpdateProfileInput): Promise<ProfileEntity> {
    const changes: Partial<ProfileEntity> = {};
    if (input.displayName !== undefined && input.displayName !== null) changes.displayName = input.displayName.trim();
    if (input.bio !== undefined) changes.bio = input.bio ? input.bio : null;
    if (input.avatarUrl !== undefined) changes.avatarUrl = input.avatarUrl ? input.avatarUrl : null;
    if (Object.keys(changes).length > 0) await this.profiles.update({ id: viewer.profileId }, changes);
    return this.requireById(viewer.profileId);
  }

  /** Follower and following counts for a batch of profiles: one grouped query each way. */
  async followCounts(profileIds: readonly string[]): Promise<FollowCounts[]> {
    const ids = [...profileIds];
    const [followers, following] = await Promise.all([
      this.dataSource.query<{ id: string; count: string }[]>(
        'SELECT followee_id AS id, count(*) FROM community.follows WHERE followee_id = ANY($1) GROUP BY followee_id',
        [ids],
      ),
      this.dataSource.query<{ id: string; count: string }[]>(
        'SELECT follower_id AS id, count(*) FROM community.follows WHERE follower_id = ANY($1) GROUP BY follower_id',
        [ids],
      ),
    ]);
    const followersOf = new Map(followers.map((row) => [row.id, Number(row.count)]));
    const followingOf = new Map(following.map((row) => [row.id, Number(row.count)]));
    return ids.map((id) => ({ followers: followersOf.get(id) ?? 0, following: followingOf.get(id) ?? 0 }));
  }

  /** Which of these profiles the viewer follows. */
  async followedBy(viewerId: string, profileIds: readonly string[]): Promise<boolean[]> {
    const rows = await this.dataSource.getRepository(FollowEntity).findBy({ followerId: viewerId, followeeId: In([...profileIds]) });
    const followed = new Set(rows.map((row) => row.followeeId));
    return profileIds.map((id) => followed.has(id));
  }

  async grantRole(profileId: string, role: Role): Promise<ProfileEntity> {
    const profile = await this.requireById(profileId);
    if (!profile.roles.includes(role)) {
      profile.roles = ROLES.filter((known) => known === role || profile.roles.includes(known));
      await this.profiles.update({ id: profileId }, { roles: profile.roles });
    }
    return profile;
  }

  async revokeRole(profileId: string, role: Role): Promise<ProfileEntity> {
    if (role === 'MEMBER') throw DomainError.badField('role', 'every profile is a MEMBER; only ANALYST and ADMIN can be revoked');
    const profile = await this.requireById(profileId);
    if (profile.roles.includes(role)) {
      profile.roles = profile.roles.filter((held) => held !== role);
      await this.profiles.update({ id: profileId }, { roles: profile.roles });
    }
    return profile;
  }
}
