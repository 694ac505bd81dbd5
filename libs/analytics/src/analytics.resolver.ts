import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { ComplexityEstimatorArgs } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import { DomainError, MoneyType, Roles, isIdOf, type GraphQLContext, type Money } from '@foule/shared';
import {
  AnalyticsModel,
  CategoryStatsModel,
  CrowdOverlapModel,
  DesignerRankingModel,
  PlatformOverviewModel,
  TimeBucketEnum,
  TimelinePointModel,
  type TimeBucket,
} from './analytics.models';
import { AnalyticsFigures } from './figures/analytics-figures.service';
import { bucketCount, type TimeUnit, type TimeWindow } from './figures/time-window';

/** The most buckets one timeline may list (a year of hours). */
export const MAX_TIMELINE_BUCKETS = 8_784;
export const MAX_TOP_DESIGNERS = 100;

const FRESH = 'Fresh: includes every write committed before the query (see asOf).';
const money = (list: Money[]) => list.map((item) => MoneyType.of(item));

function windowOf(from: Date | null | undefined, to: Date | null | undefined): TimeWindow {
  if (from && to && from.getTime() >= to.getTime()) throw DomainError.badField('to', 'must be later than from');
  return { from: from ?? null, to: to ?? null };
}

/**
 * ANALYST or ADMIN. Each field declares a cost for the complexity limit: these are aggregates
 * over the whole platform, not a field read off a row.
 */
@Resolver(() => AnalyticsModel)
export class AnalyticsResolver {
  constructor(private readonly figures: AnalyticsFigures) {}

  @Roles('ANALYST', 'ADMIN')
  @Query(() => AnalyticsModel, { description: 'ANALYST or ADMIN' })
  analytics(): Partial<AnalyticsModel> {
    return {};
  }

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => Date)
  asOf() {
    return this.figures.asOf();
  }

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => PlatformOverviewModel, { complexity: 100, description: `The platform's figures in [from, to). ${FRESH}` })
  async overview(
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
  ) {
    const overview = await this.figures.overview(windowOf(from, to));
    return {
      ...overview,
      pledgedVolume: money(overview.pledgedVolume),
      collectedVolume: money(overview.collectedVolume),
      platformFees: money(overview.platformFees),
      prizeVolume: money(overview.prizeVolume),
    };
  }

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => [TimelinePointModel], {
    complexity: 100,
    description: `Pledges per bucket in [from, to), for one campaign or (without campaignId) the platform; at most ${MAX_TIMELINE_BUCKETS} buckets. ${FRESH}`,
  })
  async fundingTimeline(
    @Args('campaignId', { type: () => ID, nullable: true }) campaignId: string | null,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('bucket', { type: () => TimeBucketEnum, nullable: true, defaultValue: 'DAY' }) bucket: TimeBucket | null,
  ) {
    const window = windowOf(from, to) as { from: Date; to: Date };
    const unit = (bucket ?? 'DAY').toLowerCase() as TimeUnit;
    if (bucketCount(unit, window) > MAX_TIMELINE_BUCKETS) {
      throw DomainError.badField('bucket', `the window spans more than ${MAX_TIMELINE_BUCKETS} buckets: use a larger bucket or a shorter window`);
    }
    if (campaignId !== null && campaignId !== undefined) {
      if (!isIdOf('campaign', campaignId) || !(await this.figures.campaignExists(campaignId))) throw DomainError.notFound('Campaign', campaignId);
    }
    const points = await this.figures.fundingTimeline(campaignId ?? null, window, unit);
    return points.map((point) => ({ ...point, pledged: money(point.pledged) }));
  }

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => CrowdOverlapModel, { complexity: 100, description: `Who did what in [from, to). ${FRESH}` })
  crowdOverlap(
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
  ) {
    return this.figures.crowdOverlap(windowOf(from, to));
  }

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => [DesignerRankingModel], {
    complexity: ({ args, childComplexity }: ComplexityEstimatorArgs) => 20 + (typeof args.first === 'number' ? args.first : 10) * childComplexity,
    description: `The designers with the most wins, then finalists, then entries (all time; 1 to ${MAX_TOP_DESIGNERS}). ${FRESH}`,
  })
  topDesigners(@Args('first', { type: () => Int, nullable: true, defaultValue: 10 }) first: number | null) {
    const size = first ?? 10;
    if (size < 1 || size > MAX_TOP_DESIGNERS) throw DomainError.badField('first', `must be between 1 and ${MAX_TOP_DESIGNERS}`);
    return this.figures.topDesigners(size);
  }

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => [CategoryStatsModel], { complexity: 100, description: `Campaigns launched and contests opened in [from, to), per category. ${FRESH}` })
  categories(
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
  ) {
    return this.figures.categories(windowOf(from, to));
  }
}

@Resolver(() => DesignerRankingModel)
export class DesignerRankingResolver {
  constructor(private readonly community: CommunityFacade) {}

  @Roles('ANALYST', 'ADMIN')
  @ResolveField(() => ProfileModel)
  designer(@Parent() ranking: { designerId: string }, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, ranking.designerId);
  }
}
