import { DomainError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, pageSize } from './cursor';

describe('cursors and page sizes', () => {
  it('round-trips keys through opaque cursors', () => {
    const cursor = encodeCursor('cmp_01JD00000000000000000000');
    expect(cursor).not.toContain('cmp_');
    expect(decodeCursor(cursor)).toBe('cmp_01JD00000000000000000000');
  });

  it('refuses cursors it did not give out', () => {
    expect(() => decodeCursor('garbage')).toThrow(DomainError);
    expect(() => decodeCursor(Buffer.from('x:abc').toString('base64url'))).toThrow(/not a cursor/);
  });

  it('bounds first to 1..100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null, 50)).toBe(50);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
    for (const bad of [0, -1, 101, 2.5]) expect(() => pageSize(bad)).toThrow(/between 1 and 100/);
  });
});
