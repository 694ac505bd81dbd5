/**
 * The funding section's GraphQL object types (contract.graphql, "funding"). Fields that are
 * plain columns are declared here; computed and related fields are @ResolveFields in the
 * resolvers, batched through the request's DataLoaders.
 */
import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, Node } from '@foule/shared';
import { COLLABORATOR_ROLES } from './campaigns/campaign-permissions';
import { CAMPAIGN_STATUSES } from './campaigns/campaign-status.machine';
import { INCREMENT_STATES } from './pledges/payment-increment.machine';
import { PAYMENT_PLANS } from './pledges/payment-plan';
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

export const CollaboratorRoleEnum = enumOf(COLLABORATOR_ROLES);
registerEnumType(CollaboratorRoleEnum, {
  name: 'CollaboratorRole',
  description: 'No collaborator may launch, cancel, refund, publish the prelaunch page, touch payouts or add collaborators.',
  valuesMap: {
    EDITOR: { description: 'edits the campaign, tiers, add-ons and stretch goals; posts updates; sees pledges' },
    UPDATES: { description: 'posts updates; sees pledges' },
    VIEWER: { description: "sees pledges and the campaign's figures" },
  },
});

export const PaymentPlanEnum = enumOf(PAYMENT_PLANS);
registerEnumType(PaymentPlanEnum, {
  name: 'PaymentPlan',
  valuesMap: {
    PLEDGE_OVER_TIME: {
      description:
        'PLEDGE_OVER_TIME_INCREMENTS equal parts (leftover minor units in the first): the first when the pledge would be charged in full (at the deadline for ALL_OR_NOTHING, at once for FLEXIBLE and late pledges), the next every PLEDGE_OVER_TIME_INTERVAL_SECONDS',
    },
  },
});

export const IncrementStateEnum = enumOf(INCREMENT_STATES);
registerEnumType(IncrementStateEnum, {
  name: 'IncrementState',
  valuesMap: {
    FAILED: {
      description: 'the backer may fix it (retryPledgePayment) until the retry window ends; then the pledge is DROPPED and keeps what was collected',
    },
    CANCELED: { description: 'never charged: the pledge was canceled or dropped first' },
  },
});

@ObjectType('PaymentIncrement')
export class PaymentIncrementModel {
  @Field(() => Int, { description: '1, 2, 3...' }) number: number;
  @Field() dueAt: Date;
  @Field(() => IncrementStateEnum) state: string;
  @Field(() => Date, { nullable: true }) collectedAt: Date | null;
  /** Resolved into Money by the pledge resolver. */
  amount: number;
  currency: string;
}

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
  @Field(() => Date, { nullable: true, description: 'when the prelaunch page was published; null: not published' }) prelaunchAt: Date | null;
  @Field() createdAt: Date;
  @Field() pledgeOverTime: boolean;
}

@ObjectType('RewardTier', { implements: () => [Node] })
export class RewardTierModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() description: string;
  @Field(() => Date, { nullable: true }) estimatedDelivery: Date | null;
  @Field({ description: 'listed and pledgeable only for the creator, collaborators, admins and profiles that revealed the secret rewards' })
  secret: boolean;
}

@ObjectType('AddOn', { implements: () => [Node] })
export class AddOnModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() description: string;
  @Field(() => Int) maxPerPledge: number;
  @Field(() => [ID], { description: 'the tiers it may be added to; empty: any pledge' }) tierIds: string[];
}

@ObjectType('PledgeAddOn')
export class PledgeAddOnModel {
  @Field(() => AddOnModel) addOn: AddOnModel;
  @Field(() => Int) quantity: number;
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
  @Field(() => PaymentPlanEnum) paymentPlan: string;
  @Field({ description: 'made after a successful end, as a late pledge' }) late: boolean;
}

@ObjectType('CampaignUpdate', { implements: () => [Node] })
export class CampaignUpdateModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() backersOnly: boolean;
  @Field() publishedAt: Date;
}

@ObjectType('Collaborator')
export class CollaboratorModel {
  @Field(() => CollaboratorRoleEnum) role: string;
  @Field() addedAt: Date;
}

export const CampaignConnection = Connection(CampaignModel, 'Campaign');
export const PledgeConnection = Connection(PledgeModel, 'Pledge');
export const CampaignUpdateConnection = Connection(CampaignUpdateModel, 'CampaignUpdate');
