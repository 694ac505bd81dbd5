import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ProfileModel } from '@foule/community';
import { MoneyType } from '@foule/shared';

export const TimeBucketEnum = { HOUR: 'HOUR', DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH' } as const;
export type TimeBucket = keyof typeof TimeBucketEnum;
registerEnumType(TimeBucketEnum, { name: 'TimeBucket', description: 'UTC hours, days, ISO weeks (from Monday) and months' });

const PER_CURRENCY = 'one per currency, never summed across currencies';

@ObjectType('Analytics', { description: 'ANALYST or ADMIN: platform figures, exact (no sampling), from the analytics schema' })
export class AnalyticsModel {
  @Field({
    description:
      'when the figures were last brought up to date: the rollups move in the same transaction as every write, so the figures include everything committed when they were read, and asOf is that moment',
  })
  asOf: Date;
}

@ObjectType('PlatformOverview', { description: 'in the window [from, to), UTC; an open bound is unbounded' })
export class PlatformOverviewModel {
  @Field(() => Int, { description: 'campaigns launched in the window' }) campaignsLaunched: number;
  @Field(() => Int, { description: 'campaigns that ended SUCCESSFUL in the window' }) campaignsSuccessful: number;
  @Field(() => Int, { description: 'campaigns that ended FAILED in the window' }) campaignsFailed: number;
  @Field(() => Float, { description: 'successful / (successful + failed); 0 when none ended' }) successRate: number;
  @Field(() => [MoneyType], { description: `what pledges made in the window promised (their current amounts, whatever became of them); ${PER_CURRENCY}` })
  pledgedVolume: MoneyType[];
  @Field(() => [MoneyType], { description: `backers' money collected in the window (every payment, increments included) less refunds made in it; ${PER_CURRENCY}` })
  collectedVolume: MoneyType[];
  @Field(() => [MoneyType], { description: `fees the platform earned in the window (campaign payouts, contest openings), less fees refunded; ${PER_CURRENCY}` })
  platformFees: MoneyType[];
  @Field(() => Int, { description: 'contests opened (prize paid in) in the window' }) contestsOpened: number;
  @Field(() => Int, { description: 'contests completed in the window' }) contestsCompleted: number;
  @Field(() => Int, { description: 'entries submitted in the window' }) entriesSubmitted: number;
  @Field(() => Float, { description: 'entries per contest opened in the window; 0 when none opened' }) averageEntriesPerContest: number;
  @Field(() => [MoneyType], { description: `prizes paid to designers in the window (a winner's prize or a split); ${PER_CURRENCY}` })
  prizeVolume: MoneyType[];
  @Field(() => Int, { description: 'profiles that pledged, submitted an entry, launched a campaign or opened a contest in the window' })
  activeProfiles: number;
}

@ObjectType('TimelinePoint')
export class TimelinePointModel {
  @Field({ description: 'the start of the bucket (UTC); every bucket of the window is listed, empty ones too' }) bucket: Date;
  @Field(() => Int, { description: 'pledges made in the bucket' }) pledgesCount: number;
  @Field(() => Int, {
    description: "profiles whose first pledge (to the campaign, or anywhere on the platform without campaignId) was made in the bucket",
  })
  newBackers: number;
  @Field(() => [MoneyType], { description: `what the bucket's pledges promised; ${PER_CURRENCY}` }) pledged: MoneyType[];
}

@ObjectType('CrowdOverlap', { description: 'profiles active in the window [from, to), by what they did' })
export class CrowdOverlapModel {
  @Field(() => Int, { description: 'profiles that pledged' }) backers: number;
  @Field(() => Int, { description: 'profiles that submitted an entry' }) designers: number;
  @Field(() => Int, { description: 'profiles that launched a campaign' }) creators: number;
  @Field(() => Int, { description: 'profiles that both pledged and submitted an entry' }) backersWhoDesign: number;
  @Field(() => Int, { description: 'creators with a campaign and a linked design contest: profiles that launched a campaign and opened a contest' })
  creatorsRunningBoth: number;
}

@ObjectType('DesignerRanking')
export class DesignerRankingModel {
  @Field(() => ProfileModel) designer: ProfileModel;
  @Field(() => Int, { description: 'entries submitted, withdrawn ones included' }) entries: number;
  @Field(() => Int, { description: 'entries that reached the final round (finalists and winners)' }) finalists: number;
  @Field(() => Int, { description: "prizes won: a winner's prize, or a share of a split prize" }) wins: number;
  @Field(() => Float, { description: 'wins / entries' }) winRate: number;
  @Field(() => Float, { nullable: true, description: "the holders' mean rating of the designer's rated entries; null when none is rated" })
  averageRating: number | null;
  designerId: string;
}

@ObjectType('CategoryStats', { description: 'per category, campaigns launched and contests opened in the window [from, to)' })
export class CategoryStatsModel {
  @Field() category: string;
  @Field(() => Int) campaigns: number;
  @Field(() => Float, { description: "successful / ended among the category's campaigns of the window; 0 when none ended" }) successRate: number;
  @Field(() => Int) contests: number;
  @Field(() => Float, { description: "entries per contest among the category's contests of the window; 0 when none" }) averageEntriesPerContest: number;
}
