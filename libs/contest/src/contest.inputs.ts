/** The contests section's GraphQL inputs. Shape rules here (class-validator); rules that need configuration or the database live in the services. */
import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MoneyInput, TextRule } from '@foule/shared';

/** More assets than any entry or handover needs. */
const MAX_ASSETS = 20;

@InputType('CreateContestInput')
export class CreateContestInput {
  @Field()
  @TextRule({ min: 1, max: 120 })
  title: string;

  @Field()
  @TextRule({ min: 1, max: 20_000 })
  brief: string;

  @Field()
  @TextRule({ min: 1, max: 60 })
  category: string;

  @Field(() => MoneyInput)
  @ValidateNested()
  @Type(() => MoneyInput)
  prize: MoneyInput;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  guaranteed?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  blind?: boolean | null;

  @Field(() => Int, { nullable: true, defaultValue: 6 })
  maxFinalists?: number | null;

  @Field(() => Int, { nullable: true, description: 'default and bounds from configuration' })
  qualifyingRoundSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  finalRoundSeconds?: number | null;

  @Field(() => ID, { nullable: true, description: 'a campaign of the same creator that this contest designs for' })
  @IsOptional()
  @IsString()
  campaignId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'basis points 0-3000, only with campaignId (else BAD_USER_INPUT): the winner earns this share of everything the linked campaign collects (refunds excluded, rounded half-even), paid with each of its payouts; agreed before the campaign first pays out (else CONFLICT)',
  })
  winnerRoyaltyBps?: number | null;
}

@InputType('OpenContestInput')
export class OpenContestInput {
  @Field(() => ID)
  @IsString()
  contestId: string;

  @Field(() => String, { nullable: true, description: 'pay prize and fee by card' })
  @TextRule({ min: 1, max: 255, notBlank: false, optional: true })
  paymentMethodId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "or from the collected funds of the holder's successful campaign (instead of paymentMethodId): while it is SUCCESSFUL, not yet paid out and covers prize plus fee, else CONFLICT saying which; someone else's campaign FORBIDDEN; a campaign in another currency BAD_USER_INPUT. The creator's payout is smaller by prize plus fee; canceling the contest puts them back",
  })
  @IsOptional()
  @IsString()
  fromCampaignId?: string | null;

  @Field()
  @TextRule({ min: 1, max: 255, notBlank: false })
  idempotencyKey: string;
}

@InputType('SubmitEntryInput')
export class SubmitEntryInput {
  @Field(() => ID)
  @IsString()
  contestId: string;

  @Field(() => String, { nullable: true })
  @TextRule({ max: 120, optional: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @TextRule({ max: 5_000, optional: true })
  description?: string | null;

  @Field(() => [ID])
  @IsArray()
  @ArrayMaxSize(MAX_ASSETS)
  @IsString({ each: true })
  assetIds: string[];
}

@InputType('ReviseEntryInput')
export class ReviseEntryInput {
  @Field(() => ID)
  @IsString()
  entryId: string;

  @Field(() => [ID])
  @IsArray()
  @ArrayMaxSize(MAX_ASSETS)
  @IsString({ each: true })
  assetIds: string[];

  @Field(() => String, { nullable: true })
  @TextRule({ max: 5_000, optional: true })
  note?: string | null;
}

export { MAX_ASSETS };
