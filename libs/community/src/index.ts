/** @foule/community: profiles, auth, follows, comments, notifications, crowd stats. */
import type { DatabasePart } from '@foule/shared';
import { RefreshTokenEntity, SignInAttemptEntity, SignUpRefusalEntity } from './auth/auth.entities';
import { EmailRequestEntity, EmailTokenEntity, NotificationSettingsEntity, SentEmailEntity } from './email/email.entities';
import { FollowEntity, ProfileEntity } from './profiles/profile.entity';
import { CommentEntity } from './comments/comment.entity';
import { NotificationEntity, NotificationOutboxEntity } from './notifications/notification.entities';
import { CommunityInit1795719599019 } from './migrations/1795719599019-CommunityInit';
import { SignInAttemptsAndRefreshSuccessors1796116829225 } from './migrations/1796116829225-SignInAttemptsAndRefreshSuccessors';
import { CommentsAndNotifications1796118413692 } from './migrations/1796118413692-CommentsAndNotifications';
import { EmailLinksAndNotificationSettings1796120908234 } from './migrations/1796120908234-EmailLinksAndNotificationSettings';

export { CommunityModule } from './community.module';
export { CommunityFacade } from './community.facade';
export { ProfileModel } from './profiles/profile.model';
export type { CrowdStats, CrowdStatsContributor } from './stats/crowd-stats.registry';
export { CommentConnection, CommentModel } from './comments/comment.model';
export type { CommentSubject, CommentSubjectPolicy } from './comments/comment-subjects';
export {
  NOTIFICATION_KINDS,
  type AudienceResolver,
  type NotificationKind,
  type NotificationNotice,
} from './notifications/notification-notice';

export const communityDatabase: DatabasePart = {
  entities: [
    ProfileEntity,
    FollowEntity,
    RefreshTokenEntity,
    SignInAttemptEntity,
    SignUpRefusalEntity,
    CommentEntity,
    NotificationOutboxEntity,
    NotificationEntity,
    EmailTokenEntity,
    SentEmailEntity,
    EmailRequestEntity,
    NotificationSettingsEntity,
  ],
  migrations: [
    CommunityInit1795719599019,
    SignInAttemptsAndRefreshSuccessors1796116829225,
    CommentsAndNotifications1796118413692,
    EmailLinksAndNotificationSettings1796120908234,
  ],
};
