/** Following a profile, which tells it (NEW_FOLLOWER) through the notification outbox. */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, type Viewer } from '@foule/shared';
import { NotificationService } from '../notifications/notification.service';
import { FollowEntity, ProfileEntity } from './profile.entity';
import { ProfileService } from './profile.service';

@Injectable()
export class FollowService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly profiles: ProfileService,
    private readonly notifications: NotificationService,
  ) {}

  async follow(viewer: Viewer, profileId: string): Promise<ProfileEntity> {
    if (profileId === viewer.profileId) throw DomainError.badField('profileId', 'you cannot follow yourself');
    const profile = await this.profiles.requireById(profileId);
    await this.dataSource.transaction(async (manager) => {
      const followed = await manager.query<unknown[]>(
        `INSERT INTO community.follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING follower_id`,
        [viewer.profileId, profileId],
      );
      if (followed.length === 0) return;
      const follower = await manager.getRepository(ProfileEntity).findOneByOrFail({ id: viewer.profileId });
      // One notice per follower ever: unfollowing and following again tells nothing new.
      await this.notifications.notify(manager, {
        key: `community.profile.followed:${viewer.profileId}:${profileId}`,
        kind: 'NEW_FOLLOWER',
        message: `${follower.displayName} (@${follower.handle}) follows you`,
        subjectId: viewer.profileId,
        recipients: [profileId],
      });
    });
    return profile;
  }

  async unfollow(viewer: Viewer, profileId: string): Promise<ProfileEntity> {
    const profile = await this.profiles.requireById(profileId);
    await this.dataSource.getRepository(FollowEntity).delete({ followerId: viewer.profileId, followeeId: profileId });
    return profile;
  }
}
