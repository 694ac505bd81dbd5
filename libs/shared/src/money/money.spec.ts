import { DomainError } from '../errors/domain-error';
import { assertPositiveAmount, formatMoney, isIsoCurrency, minorUnitDigits, normalizeCurrency, oneMajorUnit } from './money';

describe('money', () => {
  it.each([
    [1250, 'EUR', '€12.50'],
    [5, 'USD', '$0.05'],
    [0, 'USD', '$0.00'],
    [1250, 'JPY', '¥1,250'],
    [123456789012345, 'USD', '$1,234,567,890,123.45'],
    [Number.MAX_SAFE_INTEGER, 'USD', '$90,071,992,547,409.91'],
    [-1999, 'GBP', '-£19.99'],
    [1234, 'KWD', 'KWD 1.234'],
  ])('formats %d %s as %s', (amount, currency, expected) => {
    expect(formatMoney({ amount, currency }).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('knows minor-unit digits from ICU', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KRW')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(oneMajorUnit('EUR')).toBe(100);
    expect(oneMajorUnit('JPY')).toBe(1);
  });

  it('accepts ISO-4217 codes only, upper-casing them', () => {
    expect(isIsoCurrency('EUR')).toBe(true);
    expect(isIsoCurrency('eur')).toBe(false);
    expect(isIsoCurrency('XYZ')).toBe(false);
    expect(normalizeCurrency(' usd ')).toBe('USD');
    expect(() => normalizeCurrency('ABC', 'goal.currency')).toThrow(DomainError);
    try {
      normalizeCurrency('ABC', 'goal.currency');
    } catch (error) {
      expect((error as DomainError).code).toBe('BAD_USER_INPUT');
      expect((error as DomainError).extensions.fields).toEqual([{ path: 'goal.currency', message: expect.stringContaining('ISO-4217') }]);
    }
  });

  it('checks amounts are positive safe integers within the charge limit', () => {
    expect(() => assertPositiveAmount(1)).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(() => assertPositiveAmount(bad)).toThrow(DomainError);
    expect(() => assertPositiveAmount(99_999_999, 'amount', { maxCharge: true })).not.toThrow();
    expect(() => assertPositiveAmount(100_000_000, 'amount', { maxCharge: true })).toThrow(/largest single charge/);
  });
});
