import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { byKeys, toConnection, type ConnectionShape, type GraphQLContext, type IdKind, type PageArgs, pageSize } from '@foule/shared';
import { CommentSubjects, type CommentSubjectPolicy } from './comments/comment-subjects';
import type { CommentEntity } from './comments/comment.entity';
import { CommentService } from './comments/comment.service';
import type { AudienceResolver, NotificationNotice } from './notifications/notification-notice';
import { NotificationService } from './notifications/notification.service';
import { ProfileService } from './profiles/profile.service';
import { CrowdStatsRegistry, type CrowdStatsContributor } from './stats/crowd-stats.registry';
import type { ProfileEntity } from './profiles/profile.entity';

/** What other modules may ask of community. */
@Injectable()
export class CommunityFacade {
  constructor(
    private readonly profiles: ProfileService,
    private readonly crowdStats: CrowdStatsRegistry,
    private readonly notifications: NotificationService,
    private readonly commentSubjects: CommentSubjects,
    private readonly comments: CommentService,
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

  /**
   * Tells profiles about a fact, through the outbox: call it inside the transaction that
   * records the fact (`manager`), so the notice exists if and only if the fact does.
   */
  notify(manager: EntityManager, notice: NotificationNotice): Promise<void> {
    return this.notifications.notify(manager, notice);
  }

  /** A named group of profiles notices may address (e.g. funding.campaignBackers), resolved at delivery. */
  registerAudience(name: string, resolver: AudienceResolver): void {
    this.notifications.registerAudience(name, resolver);
  }

  /** The module owning ids of `kind` says whether they exist, who owns them and who may read their comments. */
  registerCommentSubject(kind: IdKind, policy: CommentSubjectPolicy): void {
    this.commentSubjects.register(kind, policy);
  }

  /** The root comments of a subject, batched per request; empty for a viewer who may not read them. */
  async commentsOf(context: GraphQLContext, subjectId: string, page: PageArgs): Promise<ConnectionShape<CommentEntity>> {
    const subject = await this.commentSubjects.find(context, subjectId);
    if (!subject?.viewerMayRead) return toConnection([], pageSize(page.first), page, 0, (row: CommentEntity) => row.id);
    return context.loaders
      .get<string, ConnectionShape<CommentEntity>>(`community.commentsOf:${page.first ?? ''}:${page.after ?? ''}`, (ids) =>
        this.comments.rootsOf(ids, page),
      )
      .load(subjectId);
  }
}
