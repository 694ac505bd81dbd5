import { Injectable } from '@nestjs/common';
import type { GraphQLContext } from '@foule/shared';
import { ContestLoaders } from './contest.loaders';
import type { ContestEntity } from './domain/contest.entity';

/** What other modules may ask of contests (comments resolve their subject; analytics count). */
@Injectable()
export class ContestFacade {
  constructor(private readonly loaders: ContestLoaders) {}

  /** A contest through the request's DataLoader, for a resolver of another module. */
  loadContest(context: GraphQLContext, id: string): Promise<ContestEntity | null> {
    return this.loaders.contest(context, id);
  }
}
