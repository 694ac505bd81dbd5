import { Args, Context, ID, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Public, SignedIn, type GraphQLContext, type Viewer } from '@foule/shared';
import { ProfileModel } from '../profiles/profile.model';
import { CommunityFacade } from '../community.facade';
import type { CommentEntity } from './comment.entity';
import { AddCommentInput, CommentConnection, CommentModel } from './comment.model';
import { CommentService } from './comment.service';

const pageArgs = { type: () => Int, nullable: true, defaultValue: 20 } as const;

@Public()
@Resolver(() => CommentModel)
export class CommentResolver {
  constructor(
    private readonly comments: CommentService,
    private readonly community: CommunityFacade,
  ) {}

  @SignedIn()
  @Mutation(() => CommentModel)
  addComment(@CurrentViewer() viewer: Viewer, @Context() context: GraphQLContext, @Args('input') input: AddCommentInput) {
    return this.comments.add(viewer, context, input);
  }

  @SignedIn()
  @Mutation(() => CommentModel, { description: 'soft delete, by its author or an admin: deleted becomes true, body empty' })
  deleteComment(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string) {
    return this.comments.delete(viewer, id);
  }

  @ResolveField(() => ProfileModel)
  author(@Parent() comment: CommentEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, comment.authorId);
  }

  @ResolveField(() => Boolean)
  deleted(@Parent() comment: CommentEntity) {
    return comment.deletedAt !== null;
  }

  @ResolveField(() => CommentConnection, { description: 'oldest first; empty for a reply (replies go one level deep)' })
  replies(
    @Parent() comment: CommentEntity,
    @Context() context: GraphQLContext,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return context.loaders
      .get<string, unknown>(`community.repliesOf:${first ?? ''}:${after ?? ''}`, (ids) =>
        this.comments.repliesOf(ids, { first, after }),
      )
      .load(comment.id);
  }
}
