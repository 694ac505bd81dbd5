/** How long the access tokens this server issues live, and the check that a token lives no longer (pure). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** How far apart the clocks of two api instances may be. */
const CLOCK_SKEW_SECONDS = 30;

/** iat and exp are present, iat is not in the future and exp is at most ACCESS_TOKEN_TTL_SECONDS after it. */
export function hasAcceptableLifetime(iat: unknown, exp: unknown, nowSeconds: number): boolean {
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) return false;
  return iat <= nowSeconds + CLOCK_SKEW_SECONDS && exp > iat && exp - iat <= ACCESS_TOKEN_TTL_SECONDS;
}
