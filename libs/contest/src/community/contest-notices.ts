/**
 * What contest facts tell whom (community delivers them: CommunityFacade.notify). Pure: the
 * listener in ContestCommunity reads the entries and contests a fact names in its transaction.
 * Blind contests: every notice about an entry goes to the holder or to that entry's own
 * designer, the two who always see it; nobody is told of an entry they may not see.
 */
import type { NotificationNotice } from '@foule/community';
import type { ContestEvent } from '../domain/contest-events';

/** An entry a fact is about, with its contest, as the listener read it in the fact's transaction. */
export interface EntryFacts {
  entryId: string;
  number: number;
  title: string | null;
  designerId: string;
  rating: number | null;
  eliminationReason: string | null;
  /** The entry row's updated_at as PostgreSQL prints it (microseconds): tells two ratings of one entry apart. */
  changedAt: string;
  contestId: string;
  contestTitle: string;
  holderId: string;
  prizeAmount: number;
  currency: string;
}

export interface ContestFacts {
  contestId: string;
  contestTitle: string;
  holderId: string;
}

/** formatMoney of @foule/shared, passed in so that this file loads without Nest (unit tests). */
export type FormatMoney = (money: { amount: number; currency: string }) => string;

const entryName = (entry: EntryFacts) => `entry #${entry.number}${entry.title ? ` "${entry.title}"` : ''}`;

export function submittedNotice(entry: EntryFacts): NotificationNotice {
  return {
    key: `contest.entry.submitted:${entry.entryId}`,
    kind: 'ENTRY_SUBMITTED',
    message: `New ${entryName(entry)} in your contest "${entry.contestTitle}": rate it, or eliminate it, while the round runs`,
    subjectId: entry.entryId,
    relatedIds: [entry.contestId],
    recipients: [entry.holderId],
  };
}

/** The notice an entry's move tells its designer, or null for moves that tell nobody (a revision, a withdrawal: the designer's own). */
export function movedNotice(event: Extract<ContestEvent, { type: 'contest.entries.moved' }>['event'], entry: EntryFacts, formatMoney: FormatMoney): NotificationNotice | null {
  const about = { subjectId: entry.entryId, relatedIds: [entry.contestId], recipients: [entry.designerId] };
  const contest = `"${entry.contestTitle}"`;
  switch (event) {
    case 'rate':
      return {
        key: `contest.entry.rated:${entry.entryId}:${entry.changedAt}`,
        kind: 'ENTRY_RATED',
        message: `The holder of ${contest} rated your ${entryName(entry)} ${entry.rating} of 5 stars`,
        ...about,
      };
    case 'eliminate':
      return {
        key: `contest.entry.eliminated:${entry.entryId}`,
        kind: 'ENTRY_ELIMINATED',
        message:
          `The holder of ${contest} eliminated your ${entryName(entry)}` +
          (entry.eliminationReason ? `: "${entry.eliminationReason}"` : '') +
          '. It stays in the contest\u2019s history but can no longer win.',
        ...about,
      };
    case 'selectFinalist':
      return {
        key: `contest.entry.finalist:${entry.entryId}`,
        kind: 'FINALIST_SELECTED',
        message: `Your ${entryName(entry)} is a finalist in ${contest}: revise it in the final round to win the prize of ${formatMoney({ amount: entry.prizeAmount, currency: entry.currency })}`,
        ...about,
      };
    case 'win':
      return {
        key: `contest.entry.won:${entry.entryId}`,
        kind: 'CONTEST_WON',
        message:
          `Your ${entryName(entry)} won ${contest}! Deliver the final files with deliverHandover(contestId: "${entry.contestId}", ...): ` +
          `the prize of ${formatMoney({ amount: entry.prizeAmount, currency: entry.currency })} is paid to you when the holder approves them`,
        ...about,
      };
    case 'revise':
    case 'withdraw':
      return null;
  }
}

export function handoverNotice(contest: ContestFacts, autoApprovesAt: Date | null): NotificationNotice {
  return {
    key: `contest.handover.delivered:${contest.contestId}`,
    kind: 'HANDOVER_DELIVERED',
    message:
      `The winner of "${contest.contestTitle}" delivered the final files: approve them with approveHandover(contestId: "${contest.contestId}")` +
      (autoApprovesAt ? `, or they are approved, and the prize paid, automatically at ${autoApprovesAt.toISOString()}` : ''),
    subjectId: contest.contestId,
    recipients: [contest.holderId],
  };
}
