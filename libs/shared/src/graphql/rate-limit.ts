/**
 * Requests per minute per signed-in profile (or per client address when anonymous), counted
 * once per GraphQL request in fixed one-minute windows. In-process: each api instance counts
 * its own share, which is what a per-instance limit behind a load balancer amounts to.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GraphQLContext } from './context';

export class FixedWindowRateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit; returns the seconds to wait when the key is over its limit. */
  hit(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= this.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000)) };
  }
}

export function rateLimitPlugin(limiter: FixedWindowRateLimiter): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const key = contextValue.viewer ? `profile:${contextValue.viewer.profileId}` : `ip:${contextValue.clientKey}`;
      const verdict = limiter.hit(key);
      return {
        async didResolveOperation() {
          if (!verdict.allowed) {
            throw new GraphQLError(`Too many requests: try again in ${verdict.retryAfterSeconds} s`, {
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: verdict.retryAfterSeconds, http: { status: 429 } },
            });
          }
        },
      };
    },
  };
}
