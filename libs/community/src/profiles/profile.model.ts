import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyType, Node, ROLES } from '@foule/shared';

export const RoleEnum = Object.fromEntries(ROLES.map((role) => [role, role])) as { [R in (typeof ROLES)[number]]: R };
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('CrowdStats', { description: 'One crowd: the same profile creates, backs, holds contests and designs.' })
export class CrowdStatsModel {
  @Field(() => Int) campaignsCreated: number;
  @Field(() => Int) campaignsBacked: number;
  @Field(() => Int) contestsHeld: number;
  @Field(() => Int) entriesSubmitted: number;
  @Field(() => Int) contestsWon: number;
  @Field(() => [MoneyType], { description: 'one per currency' }) prizeMoneyWon: MoneyType[];
  @Field(() => [MoneyType], {
    description: "one per currency: the winning designer's share of what the campaigns they designed for collected (filled by the royalty movement in payments)",
  })
  royaltiesEarned: MoneyType[];
}

@ObjectType('Profile', { implements: () => [Node] })
export class ProfileModel implements Node {
  @Field(() => ID) id: string;
  @Field() handle: string;
  @Field() displayName: string;
  @Field(() => String, { nullable: true }) bio: string | null;
  @Field(() => String, { nullable: true }) avatarUrl: string | null;
  @Field(() => [RoleEnum]) roles: string[];
  @Field() createdAt: Date;
}

@ObjectType('AuthPayload')
export class AuthPayloadModel {
  @Field() accessToken: string;
  @Field() refreshToken: string;
  @Field() expiresAt: Date;
  @Field(() => ProfileModel) profile: ProfileModel;
}
