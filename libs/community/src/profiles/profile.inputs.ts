import { Field, InputType } from '@nestjs/graphql';
import { TextRule } from '@foule/shared';
import { IsEmail, IsOptional, IsString, IsUrl, Length, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

export const HANDLE_PATTERN = /^[A-Za-z0-9_]{3,30}$/;
const HANDLE_RULE = 'must be 3 to 30 characters of a-z, 0-9 and _';

@InputType('SignUpInput')
export class SignUpInput {
  @Field()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254, { message: 'must be at most 254 characters' })
  email: string;

  @Field()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  password: string;

  @Field()
  @Matches(HANDLE_PATTERN, { message: HANDLE_RULE })
  handle: string;

  @Field()
  @TextRule({ min: 1, max: 80 })
  displayName: string;
}

@InputType('SignInInput')
export class SignInInput {
  @Field()
  @IsString()
  @Length(1, 254, { message: 'must be an email address' })
  email: string;

  @Field()
  @IsString()
  @Length(1, 200, { message: 'must not be empty' })
  password: string;
}

@InputType('UpdateProfileInput')
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  @TextRule({ min: 1, max: 80, optional: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'up to 2000 characters; null or "" clears it' })
  @TextRule({ max: 2000, optional: true })
  bio?: string | null;

  @Field(() => String, { nullable: true, description: 'an https URL; null or "" clears it' })
  @IsOptional()
  @ValidateIf((input: UpdateProfileInput) => Boolean(input.avatarUrl))
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { message: 'must be an https:// URL' })
  @MaxLength(2048, { message: 'must be at most 2048 characters' })
  avatarUrl?: string | null;
}
