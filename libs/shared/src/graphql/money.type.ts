import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { formatMoney, type Money } from '../money/money';
import { SafeIntScalar } from './scalars';

@ObjectType('Money')
export class MoneyType {
  @Field(() => SafeIntScalar, { description: 'minor units: 1250 with EUR is 12.50 EUR' })
  amount: number;

  @Field({ description: 'ISO-4217, upper case' })
  currency: string;

  /** Formatted when asked for: most lists ask for the amount only. */
  @Field({ description: 'e.g. "€12.50"' })
  get formatted(): string {
    return formatMoney(this);
  }

  static of(money: Money): MoneyType {
    const value = new MoneyType();
    value.amount = money.amount;
    value.currency = money.currency;
    return value;
  }
}

@InputType('MoneyInput')
export class MoneyInput {
  @Field(() => SafeIntScalar)
  amount: number;

  @Field()
  currency: string;
}
