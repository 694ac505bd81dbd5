/**
 * The entrySubmitted subscription's events: an entry id and its contest, published after the
 * submission committed. Subscribers load the entry fresh and see it only if they may (blind
 * contests). Over Redis when REDIS_URL is set, so every api instance reaches every subscriber.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PubSubEngine } from 'graphql-subscriptions';
import { PUB_SUB } from '@foule/shared';

export interface EntrySubmittedEvent {
  contestId: string;
  entryId: string;
}

const topic = (contestId: string) => `contest.entrySubmitted.${contestId}`;

@Injectable()
export class EntrySubmissions {
  private readonly logger = new Logger('EntrySubmissions');

  constructor(@Inject(PUB_SUB) private readonly pubsub: PubSubEngine) {}

  /** Never fails the caller: the entry is committed; a lost notification is only a late screen. */
  async publish(event: EntrySubmittedEvent): Promise<void> {
    try {
      await this.pubsub.publish(topic(event.contestId), event);
    } catch (error) {
      this.logger.warn(`could not publish entry ${event.entryId}: ${String(error)}`);
    }
  }

  subscribe(contestId: string): AsyncIterableIterator<EntrySubmittedEvent> {
    return this.pubsub.asyncIterableIterator<EntrySubmittedEvent>(topic(contestId));
  }
}
