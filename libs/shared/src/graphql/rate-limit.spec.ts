import { FixedWindowRateLimiter, rateLimitNamespace, windowVerdict } from './rate-limit';

describe('FixedWindowRateLimiter', () => {
  it('allows the limit per key per window, then tells how long to wait', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowRateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.hit('b').allowed).toBe(true);
    now += 30_000;
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    now += 30_000;
    expect(limiter.hit('a').allowed).toBe(true);
  });
});

describe('windowVerdict', () => {
  it('allows up to the limit, then asks to wait until the window ends, at least 1 s', () => {
    expect(windowVerdict(1, 3, 60_000)).toEqual({ allowed: true });
    expect(windowVerdict(3, 3, 10)).toEqual({ allowed: true });
    expect(windowVerdict(4, 3, 59_001)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(windowVerdict(4, 3, 1_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(windowVerdict(4, 3, 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(windowVerdict(100, 3, -5)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('rateLimitNamespace', () => {
  it('is the database name the instances share, whatever host or credentials they reach it by', () => {
    expect(rateLimitNamespace('postgres://a:b@db-1:5432/foule', '/data')).toBe('foule');
    expect(rateLimitNamespace('postgresql://pgbouncer:6432/foule?sslmode=require', '/data')).toBe('foule');
    expect(rateLimitNamespace(undefined, '/srv/foule/.data')).toBe('embedded:/srv/foule/.data');
  });
});
