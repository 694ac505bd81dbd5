/**
 * The funding section's GraphQL object types (contract.graphql, "funding"). Fields that are
 * plain columns are declared here; computed and related fields are @ResolveFields in the
 * resolvers, batched through the request's DataLoaders.
 */
import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, Node } from '@foule/shared';
import { CAMPAIGN_STATUSES } from './campaigns/campaign-status.machine';
import { PLEDGE_STATUSES } from './pledges/pledge-status.machine';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((value) => [value, value])) as { [V in T]: V };

export const CampaignStatusEnum = enumOf(CAMPAIGN_STATUSES);
registerEnumType(CampaignStatusEnum, { name: 'CampaignStatus' });

export const FundingModelEnum = enumOf(['ALL_OR_NOTHING', 'FLEXIBLE'] as const);
registerEnumType(FundingModelEnum, {
  name: 'FundingModel',
  valuesMap: {
    ALL_OR_NOTHING: { description: 'pledges are charged only if the goal is met at the deadline' },
    FLEXIBLE: { description: 'pledges are charged when made; the creator keeps what is raised' },
  },
});

export const PledgeStatusEnum = enumOf(PLEDGE_STATUSES);
registerEnumType(PledgeStatusEnum, {
  name: 'PledgeStatus',
  valuesMap: {
    PENDING: { description: 'card saved, to be charged at the deadline (ALL_OR_NOTHING)' },
    COLLECTED: { description: 'charged' },
    PAYMENT_FAILED: { description: 'the charge failed; the backer may fix it until the retry window ends' },
    DROPPED: { description: 'never collected: the retry window ended' },
    CANCELED: { description: 'by the backer before the deadline, or because the campaign failed or was canceled' },
    REFUNDED: {},
  },
});

@ObjectType('Campaign', { implements: () => [Node] })
export class CampaignModel implements Node {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() title: string;
  @Field() blurb: string;
  @Field() description: string;
  @Field() category: string;
  @Field(() => CampaignStatusEnum) status: string;
  @Field(() => FundingModelEnum) fundingModel: string;
  @Field() deadline: Date;
  @Field(() => Date, { nullable: true }) launchedAt: Date | null;
  @Field(() => Date, { nullable: true }) endedAt: Date | null;
  @Field() createdAt: Date;
}

@ObjectType('RewardTier', { implements: () => [Node] })
export class RewardTierModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() description: string;
  @Field(() => Date, { nullable: true }) estimatedDelivery: Date | null;
}

@ObjectType('StretchGoal', { implements: () => [Node] })
export class StretchGoalModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() description: string;
}

@ObjectType('Pledge', { implements: () => [Node] })
export class PledgeModel implements Node {
  @Field(() => ID) id: string;
  @Field(() => PledgeStatusEnum) status: string;
  @Field(() => String, { nullable: true }) failureReason: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) collectedAt: Date | null;
}

@ObjectType('CampaignUpdate', { implements: () => [Node] })
export class CampaignUpdateModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() backersOnly: boolean;
  @Field() publishedAt: Date;
}

export const CampaignConnection = Connection(CampaignModel, 'Campaign');
export const PledgeConnection = Connection(PledgeModel, 'Pledge');
export const CampaignUpdateConnection = Connection(CampaignUpdateModel, 'CampaignUpdate');
