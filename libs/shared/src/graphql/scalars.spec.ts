import { Kind } from 'graphql';
import { DateTimeScalar, SafeIntScalar } from './scalars';

describe('scalars', () => {
  it('DateTime serializes to UTC ISO and parses only zoned ISO-8601', () => {
    expect(DateTimeScalar.serialize(new Date('2026-01-31T12:00:00+02:00'))).toBe('2026-01-31T10:00:00.000Z');
    expect(DateTimeScalar.parseValue('2026-01-31T12:00:00Z').toISOString()).toBe('2026-01-31T12:00:00.000Z');
    expect(() => DateTimeScalar.parseValue('2026-01-31T12:00:00')).toThrow(/time zone/);
    expect(() => DateTimeScalar.parseValue('yesterday')).toThrow();
    expect(() => DateTimeScalar.parseValue(12)).toThrow();
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrow();
  });

  it('SafeInt takes integers within ±(2^53 - 1)', () => {
    expect(SafeIntScalar.parseValue(9007199254740991)).toBe(9007199254740991);
    expect(() => SafeIntScalar.parseValue(9007199254740992)).toThrow(/2\^53/);
    expect(() => SafeIntScalar.parseValue(1.5)).toThrow(/integer/);
    expect(() => SafeIntScalar.parseValue('12')).toThrow();
    expect(SafeIntScalar.parseLiteral({ kind: Kind.INT, value: '1250' })).toBe(1250);
    expect(SafeIntScalar.serialize('1250')).toBe(1250);
  });
});
