import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, MoneyType, Node } from '@foule/shared';

@ObjectType('PaymentSetup')
export class PaymentSetupModel {
  @Field({ description: '"stripe" or "sandbox"' }) provider: string;
  @Field({ description: 'a SetupIntent secret for Stripe.js or the mobile SDKs' }) clientSecret: string;
  @Field(() => String, { nullable: true }) publishableKey: string | null;
}

@ObjectType('PayoutAccount', { implements: () => [Node] })
export class PayoutAccountModel implements Node {
  @Field(() => ID) id: string;
  @Field() provider: string;
  @Field() country: string;
  @Field() payoutsEnabled: boolean;
}

export const PayoutStatusEnum = { PENDING: 'PENDING', PAID: 'PAID', FAILED: 'FAILED' } as const;
registerEnumType(PayoutStatusEnum, { name: 'PayoutStatus' });

export const PayoutKindEnum = { CAMPAIGN_FUNDS: 'CAMPAIGN_FUNDS', CONTEST_PRIZE: 'CONTEST_PRIZE', ROYALTY: 'ROYALTY' } as const;
registerEnumType(PayoutKindEnum, { name: 'PayoutKind' });

@ObjectType('Payout', { implements: () => [Node] })
export class PayoutModel implements Node {
  @Field(() => ID) id: string;
  @Field(() => PayoutStatusEnum) status: string;
  @Field(() => PayoutKindEnum, { description: "CAMPAIGN_FUNDS to a campaign's creator, CONTEST_PRIZE to a contest's designers, ROYALTY to the designer who won a campaign-linked contest" })
  kind: string;
  @Field(() => ID, { description: 'the campaign or contest that earned it' }) sourceId: string;
  @Field() createdAt: Date;
}

export const PayoutConnection = Connection(PayoutModel, 'Payout');

@ObjectType('LedgerBalance')
export class LedgerBalanceModel {
  @Field({ description: 'e.g. platform:fees, campaign:<id>:escrow, contest:<id>:escrow, profile:<id>:payable' }) account: string;
  @Field(() => MoneyType) balance: MoneyType;
}

@ObjectType('LedgerCheck')
export class LedgerCheckModel {
  @Field({ description: "every journal entry's postings sum to zero, per currency" }) balanced: boolean;
  @Field(() => Int) journalEntries: number;
  @Field(() => Int) postings: number;
}
