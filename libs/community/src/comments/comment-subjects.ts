/**
 * Comment subjects belong to other modules (funding: campaigns and updates; contest: contests
 * and entries). Each registers a policy for the id kinds it owns through the CommunityFacade;
 * community asks it, by the id's prefix, whether a subject exists, who owns it and whether the
 * viewer may read its comments, and never reads the owner's tables.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, idKind, type GraphQLContext, type IdKind } from '@foule/shared';

export interface CommentSubject {
  /** Whom a comment on it concerns (the campaign's creator, the contest's holder). */
  ownerId: string;
  /** Whether the viewer may read its comments, and so write one (e.g. a backers-only update: its readers). */
  viewerMayRead: boolean;
}

/** For a batch of subject ids of one kind, each subject as the viewer sees it; null for unknown (or hidden) ones. */
export type CommentSubjectPolicy = (subjectIds: readonly string[], context: GraphQLContext) => Promise<(CommentSubject | null)[]>;

@Injectable()
export class CommentSubjects {
  private readonly policies = new Map<IdKind, CommentSubjectPolicy>();

  register(kind: IdKind, policy: CommentSubjectPolicy): void {
    if (this.policies.has(kind)) throw new Error(`A comment subject policy for ${kind} is registered twice`);
    this.policies.set(kind, policy);
  }

  /** The subject through the request's loaders (one policy call per kind per batch); null when unknown or not a subject. */
  async find(context: GraphQLContext, subjectId: string): Promise<CommentSubject | null> {
    const kind = idKind(subjectId);
    const policy = kind && this.policies.get(kind);
    if (!policy) return null;
    return context.loaders
      .get<string, CommentSubject | null>(`community.commentSubject.${kind}`, (ids) => policy(ids, context))
      .load(subjectId);
  }

  async require(context: GraphQLContext, subjectId: string, path = 'subjectId'): Promise<CommentSubject> {
    const subject = await this.find(context, subjectId);
    if (!subject) throw new DomainError('NOT_FOUND', `${path}: nothing that takes comments has the id ${subjectId}`);
    return subject;
  }
}
