import { Module, type OnModuleInit } from '@nestjs/common';
import { NodeRegistry, ViewerDirectory, byKeys, type GraphQLContext } from '@foule/shared';
import { AuthResolver } from './auth/auth.resolver';
import { AuthService } from './auth/auth.service';
import { CommentSubjects } from './comments/comment-subjects';
import type { CommentEntity } from './comments/comment.entity';
import { CommentResolver } from './comments/comment.resolver';
import { CommentService } from './comments/comment.service';
import { CommunityFacade } from './community.facade';
import { NotificationEmailQueue } from './notifications/notification-emails';
import { NotificationResolver } from './notifications/notification.resolver';
import { NotificationService } from './notifications/notification.service';
import { FollowService } from './profiles/follow.service';
import { EmailLinkService } from './email/email-link.service';
import { EmailOutbox } from './email/email-outbox';
import { EmailResolver } from './email/email.resolver';
import { MailTransport } from './email/mail-transport';
import { NotificationSettingsService } from './email/notification-settings.service';
import { UnsubscribeController } from './email/unsubscribe.controller';
import { ProfileResolver } from './profiles/profile.resolver';
import { ProfileService } from './profiles/profile.service';
import { CrowdStatsRegistry } from './stats/crowd-stats.registry';

@Module({
  controllers: [UnsubscribeController],
  providers: [
    MailTransport,
    EmailOutbox,
    { provide: NotificationEmailQueue, useExisting: EmailOutbox },
    EmailLinkService,
    NotificationSettingsService,
    EmailResolver,
    ProfileService,
    FollowService,
    { provide: ViewerDirectory, useExisting: ProfileService },
    AuthService,
    CrowdStatsRegistry,
    NotificationService,
    CommentSubjects,
    CommentService,
    CommunityFacade,
    ProfileResolver,
    AuthResolver,
    CommentResolver,
    NotificationResolver,
  ],
  exports: [CommunityFacade, ViewerDirectory],
})
export class CommunityModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly community: CommunityFacade,
    private readonly comments: CommentService,
    private readonly commentSubjects: CommentSubjects,
    private readonly notifications: NotificationService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('profile', (id, context) => this.community.loadProfile(context as never, id));
    // node(id) answers a comment only to a viewer who may read its subject's comments.
    this.nodes.register('comment', async (id, context) => {
      const ctx = context as GraphQLContext;
      const comment = await ctx.loaders
        .get<string, CommentEntity | null>('community.commentById', async (ids) =>
          byKeys(ids, await this.comments.findByIds(ids), (c) => c.id),
        )
        .load(id);
      const subject = comment && (await this.commentSubjects.find(ctx, comment.subjectId));
      return subject?.viewerMayRead ? comment : null;
    });
    this.nodes.register('notification', async (id, context) => {
      const viewer = (context as GraphQLContext).viewer;
      return viewer ? this.notifications.findOwn(viewer, id) : null;
    });
  }
}
