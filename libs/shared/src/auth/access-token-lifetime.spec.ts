import { ACCESS_TOKEN_TTL_SECONDS, hasAcceptableLifetime } from './access-token-lifetime';

describe('hasAcceptableLifetime', () => {
  const now = 1_800_000_000;

  it('accepts what this server issues, up to a little clock skew', () => {
    expect(hasAcceptableLifetime(now, now + ACCESS_TOKEN_TTL_SECONDS, now)).toBe(true);
    expect(hasAcceptableLifetime(now + 20, now + 20 + ACCESS_TOKEN_TTL_SECONDS, now)).toBe(true);
  });

  it('refuses a missing or non-numeric iat or exp, a lifetime longer than issued, and iat in the future', () => {
    expect(hasAcceptableLifetime(undefined, now + 60, now)).toBe(false);
    expect(hasAcceptableLifetime(now, undefined, now)).toBe(false);
    expect(hasAcceptableLifetime(String(now), now + 60, now)).toBe(false);
    expect(hasAcceptableLifetime(now, now + ACCESS_TOKEN_TTL_SECONDS + 1, now)).toBe(false);
    expect(hasAcceptableLifetime(now, now, now)).toBe(false);
    expect(hasAcceptableLifetime(now + 3600, now + 3600 + 60, now)).toBe(false);
  });
});
