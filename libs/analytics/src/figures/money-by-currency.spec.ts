import { MoneyByCurrency } from './money-by-currency';

describe('MoneyByCurrency', () => {
  it('sums per currency, never across, sorted by currency, zeros kept', () => {
    const totals = new MoneyByCurrency().add('USD', '2000').add('EUR', 5000).add('EUR', '-5000').add('EUR', 250).add('usd', 1);
    expect(totals.list()).toEqual([
      { amount: 250, currency: 'EUR' },
      { amount: 2001, currency: 'USD' },
    ]);
    expect(new MoneyByCurrency().add('EUR', 5).add('EUR', -5).list()).toEqual([{ amount: 0, currency: 'EUR' }]);
  });

  it('refuses amounts that are not safe integers of minor units', () => {
    expect(() => new MoneyByCurrency().add('EUR', '12.5')).toThrow(RangeError);
    expect(() => new MoneyByCurrency().add('EUR', Number.MAX_SAFE_INTEGER).add('EUR', 1)).toThrow(RangeError);
  });
});
