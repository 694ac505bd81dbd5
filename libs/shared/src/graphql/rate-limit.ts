/**
 * Requests per minute per signed-in profile (or per client address when anonymous), counted
 * once per GraphQL request (HTTP) or subscribe (graphql-ws), in fixed one-minute windows that
 * open at a key's first request.
 *
 * With REDIS_URL the count lives in Redis (one atomic INCR + PEXPIRE + PTTL script, one round trip
 * per request), so the limit holds across every api instance of the deployment: keys are
 * namespaced by the database's name, which the instances share. Without Redis it is in-process,
 * right for a single instance (several instances need REDIS_URL for subscriptions anyway). When
 * Redis does not answer, requests are let through (logged), never refused or failed for it.
 */
import { Logger } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import type { GraphQLContext } from './context';

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts a hit; tells the seconds to wait when the key is over its limit. */
  hit(key: string): RateLimitVerdict | Promise<RateLimitVerdict>;
  close?(): Promise<void>;
}

export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** The verdict for the `count`-th hit of a window that ends in `remainingMs` (pure). */
export function windowVerdict(count: number, limit: number, remainingMs: number): RateLimitVerdict {
  if (count <= limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
}

// KEYS[1] the counter; ARGV[1] the window in ms. Returns the count and the window's remaining ms.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;

type HitRedis = Redis & { fouleRateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

export class RedisRateLimiter implements RateLimiter {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: HitRedis;
  private lastWarning = 0;
  private connecting?: Promise<void>;

  constructor(
    redisUrl: string,
    private readonly namespace: string,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {
    // Fails fast when Redis is away (no queue of waiting requests); connects at the first request.
    this.redis = new Redis(redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
    }) as HitRedis;
    this.redis.defineCommand('fouleRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis.on('error', (error) => this.warn(`Redis: ${error.message}`));
  }

  async hit(key: string): Promise<RateLimitVerdict> {
    try {
      if (this.redis.status === 'wait') this.connecting ??= this.redis.connect();
      await this.connecting;
      const [count, remainingMs] = await this.redis.fouleRateLimitHit(`foule:ratelimit:${this.namespace}:${key}`, this.windowMs);
      return windowVerdict(count, this.limit, remainingMs);
    } catch (error) {
      this.warn(`not counted (Redis did not answer), let through: ${(error as Error).message}`);
      return { allowed: true };
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private warn(message: string): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(message);
  }
}

/** Redis when there is one (shared by every instance), in-process otherwise. */
export function createRateLimiter(options: {
  limit: number;
  redisUrl?: string;
  /** Names the deployment: its instances share it (the database's name). */
  namespace: string;
}): RateLimiter {
  return options.redisUrl
    ? new RedisRateLimiter(options.redisUrl, options.namespace, options.limit)
    : new FixedWindowRateLimiter(options.limit);
}

/** The database a deployment's instances share, as a rate-limit namespace: its name (embedded: the data directory). */
export function rateLimitNamespace(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return `embedded:${dataDir}`;
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}

/** In-process: right for one instance. */
export class FixedWindowRateLimiter implements RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit; returns the seconds to wait when the key is over its limit. */
  hit(key: string): RateLimitVerdict {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return windowVerdict(count, this.limit, this.windowStart + this.windowMs - now);
  }
}

/** Whose allowance a request counts against: the signed-in profile, or the client address. */
export function rateLimitKey(context: Pick<GraphQLContext, 'viewer' | 'clientKey'>): string {
  return context.viewer ? `profile:${context.viewer.profileId}` : `ip:${context.clientKey}`;
}

export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests: try again in ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429 } },
  });
}

/**
 * Counts each request against its key's allowance and refuses it past the limit. Every response
 * holding a RATE_LIMITED error (this one, or a resolver's, such as too many failed sign-ins)
 * carries its wait in a `Retry-After` header as well as in `extensions.retryAfterSeconds`.
 */
export function rateLimitPlugin(limiter: RateLimiter): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const verdict = await limiter.hit(rateLimitKey(contextValue));
      return {
        async didResolveOperation() {
          if (!verdict.allowed) throw rateLimitedError(verdict.retryAfterSeconds);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const waits = (response.body.singleResult.errors ?? [])
            .filter((error) => error.extensions?.code === 'RATE_LIMITED')
            .map((error) => Number(error.extensions?.retryAfterSeconds))
            .filter((seconds) => Number.isFinite(seconds) && seconds > 0);
          if (waits.length > 0) response.http.headers.set('retry-after', String(Math.ceil(Math.max(...waits))));
        },
      };
    },
  };
}
