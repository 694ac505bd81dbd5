/** The funding section's GraphQL inputs. Shape rules here (class-validator); rules that need the database live in the services. */
import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MoneyInput, SafeIntScalar, TextRule } from '@foule/shared';
import { CampaignStatusEnum, FundingModelEnum, PaymentPlanEnum } from './funding.models';

@InputType('CreateCampaignInput')
export class CreateCampaignInput {
  @Field()
  @TextRule({ min: 1, max: 120 })
  title: string;

  @Field()
  @TextRule({ min: 1, max: 280 })
  blurb: string;

  @Field()
  @TextRule({ max: 50_000 })
  description: string;

  @Field()
  @TextRule({ min: 1, max: 60 })
  category: string;

  @Field(() => FundingModelEnum, { nullable: true, defaultValue: 'ALL_OR_NOTHING' })
  fundingModel: 'ALL_OR_NOTHING' | 'FLEXIBLE';

  @Field(() => MoneyInput)
  @ValidateNested()
  @Type(() => MoneyInput)
  goal: MoneyInput;

  @Field({ description: 'between the configured minimum and maximum duration after launch' })
  deadline: Date;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  pledgeOverTime?: boolean | null;

  @Field(() => SafeIntScalar, { nullable: true, description: "in the campaign's currency; 0 or null: any amount" })
  pledgeOverTimeMinimum?: number | null;

  @Field(() => Int, { nullable: true, description: '0-60: days of late pledges after a successful end; 0 or null: none' })
  latePledgeDays?: number | null;
}

@InputType('UpdateCampaignInput')
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true })
  @TextRule({ min: 1, max: 120, optional: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @TextRule({ min: 1, max: 280, optional: true })
  blurb?: string | null;

  @Field(() => String, { nullable: true })
  @TextRule({ max: 50_000, optional: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  @TextRule({ min: 1, max: 60, optional: true })
  category?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: 'DRAFT only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyInput)
  goal?: MoneyInput | null;

  @Field(() => Date, { nullable: true, description: 'DRAFT only' })
  @IsOptional()
  deadline?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'DRAFT only' })
  @IsOptional()
  @IsBoolean()
  pledgeOverTime?: boolean | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'DRAFT only' })
  pledgeOverTimeMinimum?: number | null;

  @Field(() => Int, { nullable: true, description: 'DRAFT or LIVE' })
  latePledgeDays?: number | null;
}

@InputType('RewardTierInput')
export class RewardTierInput {
  @Field()
  @TextRule({ min: 1, max: 120 })
  title: string;

  @Field()
  @TextRule({ max: 5_000 })
  description: string;

  @Field(() => SafeIntScalar, { description: "in the campaign's currency" })
  minimum: number;

  @Field(() => Int, { nullable: true, description: 'null: unlimited' })
  limit?: number | null;

  @Field(() => Date, { nullable: true })
  estimatedDelivery?: Date | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'listed and pledgeable only for the creator, collaborators, admins and profiles that revealed the secret rewards' })
  @IsOptional()
  @IsBoolean()
  secret?: boolean | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'what a late pledge on this tier must cover (at least minimum); null: minimum' })
  latePledgeMinimum?: number | null;
}

@InputType('AddOnInput')
export class AddOnInput {
  @Field()
  @TextRule({ min: 1, max: 120 })
  title: string;

  @Field()
  @TextRule({ max: 5_000 })
  description: string;

  @Field(() => SafeIntScalar, { description: "per unit, in the campaign's currency" })
  price: number;

  @Field(() => Int, { nullable: true, description: 'null: unlimited' })
  limit?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: 10 })
  maxPerPledge?: number | null;

  @Field(() => [ID], { nullable: true, description: 'the tiers it may be added to; empty or null: any pledge' })
  @IsOptional()
  @IsString({ each: true })
  tierIds?: string[] | null;
}

@InputType('PledgeAddOnInput')
export class PledgeAddOnInput {
  @Field(() => ID)
  @IsString()
  addOnId: string;

  @Field(() => Int)
  quantity: number;
}

@InputType('StretchGoalInput')
export class StretchGoalInput {
  @Field()
  @TextRule({ min: 1, max: 120 })
  title: string;

  @Field()
  @TextRule({ max: 5_000 })
  description: string;

  @Field(() => SafeIntScalar, { description: "in the campaign's currency" })
  target: number;
}

@InputType('PledgeInput')
export class PledgeInput {
  @Field(() => ID)
  @IsString()
  campaignId: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  tierId?: string | null;

  @Field(() => SafeIntScalar, { description: "in the campaign's currency; at least the tier's minimum" })
  amount: number;

  @Field({ description: "a Stripe PaymentMethod id; without Stripe keys, Stripe's test ids (pm_card_visa, pm_card_chargeDeclined, ...)" })
  @TextRule({ min: 1, max: 255, notBlank: false })
  paymentMethodId: string;

  @Field()
  @TextRule({ min: 1, max: 255, notBlank: false })
  idempotencyKey: string;

  @Field(() => [PledgeAddOnInput], { nullable: true, description: "the amount must cover the tier's minimum plus every add-on unit" })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => PledgeAddOnInput)
  addOns?: PledgeAddOnInput[] | null;

  @Field(() => PaymentPlanEnum, {
    nullable: true,
    defaultValue: 'PAY_IN_FULL',
    description: 'PLEDGE_OVER_TIME only where the campaign offers it and the amount is at least pledgeOverTimeMinimum',
  })
  paymentPlan?: 'PAY_IN_FULL' | 'PLEDGE_OVER_TIME' | null;
}

@InputType('UpdatePledgeInput')
export class UpdatePledgeInput {
  @Field(() => ID, { nullable: true, description: 'another tier of the same campaign' })
  @IsOptional()
  @IsString()
  tierId?: string | null;

  @Field(() => SafeIntScalar, { nullable: true })
  amount?: number | null;

  @Field(() => String, { nullable: true })
  @TextRule({ min: 1, max: 255, notBlank: false, optional: true })
  paymentMethodId?: string | null;

  @Field(() => [PledgeAddOnInput], { nullable: true, description: "replaces the pledge's add-ons; while the campaign is LIVE" })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => PledgeAddOnInput)
  addOns?: PledgeAddOnInput[] | null;
}

@InputType('CampaignUpdateInput')
export class CampaignUpdateInput {
  @Field()
  @TextRule({ min: 1, max: 200 })
  title: string;

  @Field()
  @TextRule({ max: 50_000, notBlank: true })
  body: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  backersOnly: boolean;
}

@InputType('CampaignFilter')
export class CampaignFilter {
  @Field(() => CampaignStatusEnum, { nullable: true })
  status?: string | null;

  @Field(() => String, { nullable: true })
  @TextRule({ max: 60, optional: true })
  category?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  creatorId?: string | null;

  @Field(() => String, { nullable: true, description: 'words of the title, case-insensitive' })
  @TextRule({ max: 100, optional: true })
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: published prelaunch pages (DRAFT with prelaunchAt)' })
  @IsOptional()
  @IsBoolean()
  prelaunch?: boolean | null;
}
