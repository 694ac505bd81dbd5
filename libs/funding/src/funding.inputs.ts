/** The funding section's GraphQL inputs. Shape rules here (class-validator); rules that need the database live in the services. */
import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MoneyInput, SafeIntScalar } from '@foule/shared';
import { CampaignStatusEnum, FundingModelEnum } from './funding.models';

const NOT_BLANK = { message: 'must not be blank' };

@InputType('CreateCampaignInput')
export class CreateCampaignInput {
  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 120, { message: 'must be 1 to 120 characters' })
  title: string;

  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 280, { message: 'must be 1 to 280 characters' })
  blurb: string;

  @Field()
  @IsString()
  @MaxLength(50_000, { message: 'must be at most 50000 characters' })
  description: string;

  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 60, { message: 'must be 1 to 60 characters' })
  category: string;

  @Field(() => FundingModelEnum, { nullable: true, defaultValue: 'ALL_OR_NOTHING' })
  fundingModel: 'ALL_OR_NOTHING' | 'FLEXIBLE';

  @Field(() => MoneyInput)
  @ValidateNested()
  @Type(() => MoneyInput)
  goal: MoneyInput;

  @Field({ description: 'between the configured minimum and maximum duration after launch' })
  deadline: Date;
}

@InputType('UpdateCampaignInput')
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 120, { message: 'must be 1 to 120 characters' })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 280, { message: 'must be 1 to 280 characters' })
  blurb?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50_000, { message: 'must be at most 50000 characters' })
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 60, { message: 'must be 1 to 60 characters' })
  category?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: 'DRAFT only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyInput)
  goal?: MoneyInput | null;

  @Field(() => Date, { nullable: true, description: 'DRAFT only' })
  @IsOptional()
  deadline?: Date | null;
}

@InputType('RewardTierInput')
export class RewardTierInput {
  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 120, { message: 'must be 1 to 120 characters' })
  title: string;

  @Field()
  @IsString()
  @MaxLength(5_000, { message: 'must be at most 5000 characters' })
  description: string;

  @Field(() => SafeIntScalar, { description: "in the campaign's currency" })
  minimum: number;

  @Field(() => Int, { nullable: true, description: 'null: unlimited' })
  limit?: number | null;

  @Field(() => Date, { nullable: true })
  estimatedDelivery?: Date | null;
}

@InputType('StretchGoalInput')
export class StretchGoalInput {
  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 120, { message: 'must be 1 to 120 characters' })
  title: string;

  @Field()
  @IsString()
  @MaxLength(5_000, { message: 'must be at most 5000 characters' })
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
  @IsString()
  @Length(1, 255, { message: 'must be 1 to 255 characters' })
  paymentMethodId: string;

  @Field()
  @IsString()
  @Length(1, 255, { message: 'must be 1 to 255 characters' })
  idempotencyKey: string;
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
  @IsOptional()
  @IsString()
  @Length(1, 255, { message: 'must be 1 to 255 characters' })
  paymentMethodId?: string | null;
}

@InputType('CampaignUpdateInput')
export class CampaignUpdateInput {
  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  title: string;

  @Field()
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @MaxLength(50_000, { message: 'must be at most 50000 characters' })
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
  @IsOptional()
  @IsString()
  @MaxLength(60, { message: 'must be at most 60 characters' })
  category?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  creatorId?: string | null;

  @Field(() => String, { nullable: true, description: 'words of the title, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'must be at most 100 characters' })
  search?: string | null;
}
