/**
 * Comments: add, soft delete, and pages batched per parent (a page of campaigns with their
 * comments and each comment's replies costs the same statements for 2 campaigns or 20).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import {
  DomainError,
  decodeCursor,
  hasRole,
  isIdOf,
  newId,
  pageSize,
  toConnection,
  updateReturning,
  type ConnectionShape,
  type GraphQLContext,
  type PageArgs,
  type Viewer,
} from '@foule/shared';
import { NotificationService } from '../notifications/notification.service';
import { ProfileService } from '../profiles/profile.service';
import { CommentEntity } from './comment.entity';
import { CommentSubjects } from './comment-subjects';

export interface NewComment {
  subjectId: string;
  body: string;
  parentId?: string | null;
}

/** Which comments one batched page holds: the roots of subjects (newest first) or the replies of roots (oldest first, as a conversation reads). */
type PageOf =
  | { column: 'subject_id'; where: 'parent_id IS NULL'; order: 'DESC' }
  | { column: 'parent_id'; where: 'parent_id IS NOT NULL'; order: 'ASC' };
const ROOTS: PageOf = { column: 'subject_id', where: 'parent_id IS NULL', order: 'DESC' };
const REPLIES: PageOf = { column: 'parent_id', where: 'parent_id IS NOT NULL', order: 'ASC' };

const EXCERPT_LENGTH = 80;

@Injectable()
export class CommentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subjects: CommentSubjects,
    private readonly notifications: NotificationService,
    private readonly profiles: ProfileService,
  ) {}

  findByIds(ids: readonly string[]): Promise<CommentEntity[]> {
    const own = ids.filter((id) => isIdOf('comment', id));
    return own.length ? this.dataSource.getRepository(CommentEntity).findBy({ id: In(own) }) : Promise.resolve([]);
  }

  /**
   * A reply to a reply joins the root's thread (replies go one level deep), and its author
   * is told with COMMENT_REPLY (not the root's): that is whom the reply answers.
   */
  async add(viewer: Viewer, context: GraphQLContext, input: NewComment): Promise<CommentEntity> {
    const subject = await this.subjects.require(context, input.subjectId);
    if (!subject.viewerMayRead) throw DomainError.forbidden('Only those who may read this may comment on it');
    return this.dataSource.transaction(async (manager) => {
      let answered: CommentEntity | null = null;
      if (input.parentId) {
        answered = isIdOf('comment', input.parentId)
          ? await manager.getRepository(CommentEntity).findOneBy({ id: input.parentId })
          : null;
        if (!answered) throw new DomainError('NOT_FOUND', `parentId: comment ${input.parentId} was not found`);
        if (answered.subjectId !== input.subjectId) throw DomainError.badField('parentId', 'is a comment on another subject');
        if (answered.deletedAt) throw DomainError.conflict(`Comment ${answered.id} was deleted: it takes no more replies`);
      }
      const comment = manager.getRepository(CommentEntity).create({
        id: newId('comment'),
        subjectId: input.subjectId,
        parentId: answered ? (answered.parentId ?? answered.id) : null,
        authorId: viewer.profileId,
        body: input.body,
        deletedAt: null,
        deletedBy: null,
      });
      await manager.getRepository(CommentEntity).insert(comment);
      if (answered && answered.authorId !== viewer.profileId) {
        const author = await this.profiles.requireById(viewer.profileId);
        await this.notifications.notify(manager, {
          key: `community.comment.replied:${comment.id}`,
          kind: 'COMMENT_REPLY',
          message: `${author.displayName} (@${author.handle}) replied to your comment: "${excerpt(input.body)}"`,
          subjectId: comment.id,
          relatedIds: [input.subjectId, answered.id],
          recipients: [answered.authorId],
        });
      }
      return manager.getRepository(CommentEntity).findOneByOrFail({ id: comment.id });
    });
  }

  /** By its author or an admin; deleting a deleted comment changes nothing. */
  async delete(viewer: Viewer, id: string): Promise<CommentEntity> {
    const [comment] = await this.findByIds([id]);
    if (!comment) throw DomainError.notFound('Comment', id);
    if (comment.authorId !== viewer.profileId && !hasRole(viewer, 'ADMIN'))
      throw DomainError.forbidden('Only its author or an admin can delete a comment');
    await updateReturning(
      this.dataSource.manager,
      `UPDATE community.comments SET body = '', deleted_at = now(), deleted_by = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id, viewer.profileId],
    );
    return this.dataSource.getRepository(CommentEntity).findOneByOrFail({ id });
  }

  rootsOf(subjectIds: readonly string[], args: PageArgs): Promise<ConnectionShape<CommentEntity>[]> {
    return this.pages(ROOTS, subjectIds, args);
  }

  repliesOf(commentIds: readonly string[], args: PageArgs): Promise<ConnectionShape<CommentEntity>[]> {
    return this.pages(REPLIES, commentIds, args);
  }

  /** Three statements for any number of parents: the ranked page ids, their rows, the counts. */
  private async pages(of: PageOf, parentIds: readonly string[], args: PageArgs): Promise<ConnectionShape<CommentEntity>[]> {
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after) : null;
    const past = of.order === 'DESC' ? '<' : '>';
    const ids = [...parentIds];
    const [ranked, counts] = await Promise.all([
      this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM (
           SELECT c.id, row_number() OVER (PARTITION BY c.${of.column} ORDER BY c.id ${of.order}) AS rank
             FROM community.comments c
            WHERE c.${of.column} = ANY($1) AND c.${of.where} AND ($2::text IS NULL OR c.id ${past} $2)
         ) ranked WHERE rank <= ${size + 1}`,
        [ids, after],
      ),
      this.dataSource.query<{ parent: string; count: string }[]>(
        `SELECT c.${of.column} AS parent, count(*) AS count FROM community.comments c WHERE c.${of.column} = ANY($1) AND c.${of.where} GROUP BY 1`,
        [ids],
      ),
    ]);
    const rows = await this.findByIds(ranked.map((row) => row.id));
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * (of.order === 'ASC' ? 1 : -1));
    const totals = new Map(counts.map((row) => [row.parent, Number(row.count)]));
    const parentOf = (row: CommentEntity) => (of.column === 'subject_id' ? row.subjectId : row.parentId);
    return ids.map((parentId) =>
      toConnection(
        rows.filter((row) => parentOf(row) === parentId),
        size,
        args,
        totals.get(parentId) ?? 0,
        (row) => row.id,
      ),
    );
  }
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH - 1)}…`;
}
