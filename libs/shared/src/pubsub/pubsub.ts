/**
 * Subscriptions' event bus: in-process by default, Redis when REDIS_URL is set so that several
 * api instances behind a load balancer share events.
 */
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import Redis from 'ioredis';

export const PUB_SUB = Symbol('PUB_SUB');

export function createPubSub(redisUrl?: string): PubSubEngine & { close?: () => Promise<void> } {
  if (!redisUrl) return new PubSub();
  const options = { maxRetriesPerRequest: null, lazyConnect: false };
  const pubsub = new RedisPubSub({ publisher: new Redis(redisUrl, options), subscriber: new Redis(redisUrl, options) });
  return Object.assign(pubsub, { close: async () => void (await pubsub.close()) });
}
