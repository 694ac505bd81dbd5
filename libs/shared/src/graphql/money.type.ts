import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { formatMoney, type Money } from '../money/money';
import { SafeIntScalar } from './scalars';

@ObjectType('Money')
export class MoneyType {
  @Field(() => SafeIntScalar, { description: 'minor units: 1250 with EUR is 12.50 EUR' })
  amount: number;

  @Field({ description: 'ISO-4217, upper case' })
  currency: string;

  @Field({ description: 'e.g. "€12.50"' })
  formatted: string;

  static of(money: Money): MoneyType {
    return Object.assign(new MoneyType(), { ...money, formatted: formatMoney(money) });
  }
}

@InputType('MoneyInput')
export class MoneyInput {
  @Field(() => SafeIntScalar)
  amount: number;

  @Field()
  currency: string;
}
