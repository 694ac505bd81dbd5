import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../auth/access.decorators';
import { Node, NodeRegistry } from './node';

@Resolver()
export class NodeResolver {
  constructor(private readonly nodes: NodeRegistry) {}

  @Public()
  @Query(() => Node, { nullable: true, description: 'Any object by its id; null when it does not exist or is not visible' })
  node(@Args('id', { type: () => ID }) id: string, @Context() context: unknown) {
    return this.nodes.load(id, context);
  }
}
