import { normalizeCountry } from './country';

describe('normalizeCountry', () => {
  it.each([
    ['FR', 'FR'],
    ['us', 'US'],
    [' de ', 'DE'],
    ['JP', 'JP'],
    ['KR', 'KR'],
    ['BR', 'BR'],
  ])('accepts %p as %p', (input, expected) => {
    expect(normalizeCountry(input)).toBe(expected);
  });

  it.each(['', 'F', 'FRA', 'F1', 'AA', 'QQ', 'ZZ', 'EU', 'UN', '12', 'ÉT'])('refuses %p', (input) => {
    expect(normalizeCountry(input)).toBeUndefined();
  });
});
