/** Contest.comments and Entry.comments: community pages them, batched per request; the subject policy (ContestCommunity) says who reads them. */
import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CommentConnection, CommunityFacade } from '@foule/community';
import { Public, type GraphQLContext } from '@foule/shared';
import { ContestModel, EntryModel } from '../contest.models';

const pageArgs = { type: () => Int, nullable: true, defaultValue: 20 } as const;
const afterArg = { type: () => String, nullable: true } as const;

@Public()
@Resolver(() => ContestModel)
export class ContestCommentsResolver {
  constructor(private readonly community: CommunityFacade) {}

  @Public()
  @ResolveField(() => CommentConnection, { description: 'newest first' })
  comments(@Parent() contest: { id: string }, @Context() context: GraphQLContext, @Args('first', pageArgs) first: number, @Args('after', afterArg) after: string | null) {
    return this.community.commentsOf(context, contest.id, { first, after });
  }
}

@Public()
@Resolver(() => EntryModel)
export class EntryCommentsResolver {
  constructor(private readonly community: CommunityFacade) {}

  @Public()
  @ResolveField(() => CommentConnection, {
    description: "newest first; on an entry of a blind contest, the holder's feedback channel: empty for anyone but the holder and the entry's designer",
  })
  comments(@Parent() entry: { id: string }, @Context() context: GraphQLContext, @Args('first', pageArgs) first: number, @Args('after', afterArg) after: string | null) {
    return this.community.commentsOf(context, entry.id, { first, after });
  }
}
