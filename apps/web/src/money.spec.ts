import { fractionDigits, toMajor, toMinor } from './money';

describe('money in the pledge form', () => {
  it('knows each currency’s minor units', () => {
    expect([fractionDigits('EUR'), fractionDigits('USD'), fractionDigits('JPY'), fractionDigits('KWD')]).toEqual([2, 2, 0, 3]);
    expect(fractionDigits('not a currency')).toBe(2);
  });

  it('reads what a person types as integer minor units', () => {
    expect(toMinor('25', 'EUR')).toBe(2_500);
    expect(toMinor('25.5', 'EUR')).toBe(2_550);
    expect(toMinor(' 25,50 ', 'EUR')).toBe(2_550);
    expect(toMinor('0.1', 'EUR')).toBe(10);
    expect(toMinor('19.99', 'EUR')).toBe(1_999); // 19.99 * 100 is 1998.9999... in floating point
    expect(toMinor('1200', 'JPY')).toBe(1_200);
    expect(toMinor('1.234', 'KWD')).toBe(1_234);
  });

  it('refuses what is not an amount', () => {
    for (const text of ['', ' ', 'abc', '-5', '1e3', '12.', '.5', '1.2.3', '€5']) expect(toMinor(text, 'EUR')).toBeNull();
  });

  it('writes minor units back as the form shows them, and round-trips', () => {
    expect(toMajor(9_900, 'EUR')).toBe('99.00');
    expect(toMajor(5, 'EUR')).toBe('0.05');
    expect(toMajor(1_200, 'JPY')).toBe('1200');
    for (let minor = 0; minor <= 100_000; minor += 37) expect(toMinor(toMajor(minor, 'EUR'), 'EUR')).toBe(minor);
  });
});
