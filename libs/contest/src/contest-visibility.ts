/**
 * Who sees what of a contest: drafts are their holder's (and admins'); in a blind contest that
 * is not COMPLETED a designer sees only their own entries and everyone else none, while the
 * holder and admins see all. ContestQueries states the same rules in SQL for pages.
 */
import { hasRole, type Viewer } from '@foule/shared';
import type { ContestEntity } from './domain/contest.entity';
import type { EntryEntity } from './domain/entry.entities';

type ContestView = Pick<ContestEntity, 'status' | 'holderId' | 'blind'>;

export function canSeeContest(viewer: Viewer | null | undefined, contest: Pick<ContestEntity, 'status' | 'holderId'>): boolean {
  return contest.status !== 'DRAFT' || viewer?.profileId === contest.holderId || hasRole(viewer, 'ADMIN');
}

/** Whether the viewer sees every entry of the contest (else only their own). */
export function seesAllEntries(viewer: Viewer | null | undefined, contest: ContestView): boolean {
  return !contest.blind || contest.status === 'COMPLETED' || viewer?.profileId === contest.holderId || hasRole(viewer, 'ADMIN');
}

export function canSeeEntry(viewer: Viewer | null | undefined, entry: Pick<EntryEntity, 'designerId'>, contest: ContestView): boolean {
  return canSeeContest(viewer, contest) && (seesAllEntries(viewer, contest) || viewer?.profileId === entry.designerId);
}

