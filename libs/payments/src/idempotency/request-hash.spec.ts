import fc from 'fast-check';
import { canonicalJson, requestHash } from './request-hash';

describe('request hash', () => {
  it('ignores key order and undefined properties', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestHash({ b: { d: 'x', c: [1, 2] }, a: 1, e: undefined }));
    expect(canonicalJson({ b: 1, a: [undefined, null] })).toBe('{"a":[null,null],"b":1}');
  });

  it('tells different requests apart', () => {
    expect(requestHash({ amount: 500, currency: 'EUR' })).not.toBe(requestHash({ amount: 501, currency: 'EUR' }));
    expect(requestHash({ amount: 500 })).not.toBe(requestHash({ amount: '500' }));
    expect(requestHash([1, 2])).not.toBe(requestHash([2, 1]));
    expect(requestHash(null)).not.toBe(requestHash({}));
  });

  it('writes dates as ISO strings and refuses NaN', () => {
    expect(canonicalJson({ at: new Date('2030-01-01T00:00:00Z') })).toBe('{"at":"2030-01-01T00:00:00.000Z"}');
    expect(() => canonicalJson({ amount: Number.NaN })).toThrow(TypeError);
  });

  it('is a sha256 in hex', () => {
    expect(requestHash({})).toMatch(/^[0-9a-f]{64}$/);
  });

  it('agrees with JSON.parse(JSON.stringify(x)) for JSON values, whatever the key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reordered = JSON.parse(JSON.stringify(value), (_key, item) =>
          item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).reverse()) : item,
        );
        expect(canonicalJson(reordered)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
