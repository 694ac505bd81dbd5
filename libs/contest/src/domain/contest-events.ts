/**
 * Contest facts, published inside the transaction that records them (as FundingEvents are):
 * ContestCommunity turns them into community notices, so a notice commits with its fact and a
 * listener that throws rolls the fact back. Entry moves are published by the EntryGate, the one
 * place an entry's status (or rating) changes, so a deadline job's moves are told as a holder's are.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EntryEvent } from './entry-status.machine';

export type ContestEvent =
  | { type: 'contest.entry.submitted'; entryId: string }
  | { type: 'contest.entries.moved'; event: EntryEvent; entryIds: string[] }
  | { type: 'contest.handover.delivered'; contestId: string; autoApprovesAt: Date | null };

export type ContestEventListener = (event: ContestEvent, manager: EntityManager) => Promise<void>;

@Injectable()
export class ContestEvents {
  private readonly listeners: ContestEventListener[] = [];

  subscribe(listener: ContestEventListener): void {
    this.listeners.push(listener);
  }

  async publish(event: ContestEvent, manager: EntityManager): Promise<void> {
    for (const listener of this.listeners) await listener(event, manager);
  }
}
