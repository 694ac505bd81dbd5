/**
 * A poll's rules, as pure functions over plain values (the service feeds them what it read):
 * which contests may hold a poll, the shape of a new poll (2-8 distinct entries of the contest,
 * none withdrawn; a closing time ahead; BACKERS only with a linked campaign), who may read and
 * who may vote, and whether a vote counts. A poll has one life, open until `closesAt` then
 * closed for good, so its "machine" is `isPollOpen`. Pure and Nest-free.
 */
import { RUNNING_CONTEST_STATUSES, type ContestStatus } from '../domain/contest-status.machine';
import type { EntryStatus } from '../domain/entry-status.machine';
import type { FieldProblem } from '../domain/contest-rules';

export const POLL_AUDIENCES = ['PUBLIC', 'BACKERS'] as const;
export type PollAudience = (typeof POLL_AUDIENCES)[number];

export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 8;
/** The longest a poll stays open: longer than any contest's rounds and selection windows. */
export const POLL_MAX_OPEN_SECONDS = 90 * 86_400;

export type Refusal = { code: 'BAD_USER_INPUT'; path: string; message: string } | { code: 'CONFLICT' | 'FORBIDDEN'; message: string };

/** Why the contest cannot hold a new poll now, or null. */
export function pollContestRefusal(contest: { status: ContestStatus; blind: boolean }): string | null {
  if (contest.blind) {
    return 'A blind contest cannot hold polls: a poll shows its entries to every voter, while a blind contest hides entries from everyone but the holder and their designer';
  }
  if (!RUNNING_CONTEST_STATUSES.includes(contest.status)) {
    return `Cannot create a poll for a ${contest.status} contest: polls help choose while a round runs or the winner is still to be picked (${RUNNING_CONTEST_STATUSES.join(', ')})`;
  }
  return null;
}

/** An entry as the option check needs it; undefined when the id names no entry (the service answers NOT_FOUND first). */
export interface OptionEntry {
  contestId: string;
  status: EntryStatus;
}

/** Every problem with the options, at `entryIds` for their number and at `entryIds.<index>` for each bad one. */
export function pollOptionProblems(contestId: string, entryIds: readonly string[], entries: ReadonlyMap<string, OptionEntry>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (entryIds.length < POLL_MIN_OPTIONS || entryIds.length > POLL_MAX_OPTIONS) {
    problems.push({ path: 'entryIds', message: `list ${POLL_MIN_OPTIONS} to ${POLL_MAX_OPTIONS} entries of the contest` });
  }
  const seen = new Set<string>();
  entryIds.forEach((id, index) => {
    const entry = entries.get(id);
    const path = `entryIds.${index}`;
    if (seen.has(id)) problems.push({ path, message: 'lists the entry more than once' });
    else if (!entry) problems.push({ path, message: 'is not an entry' });
    else if (entry.contestId !== contestId) problems.push({ path, message: 'is an entry of another contest' });
    else if (entry.status === 'WITHDRAWN') problems.push({ path, message: 'was withdrawn by its designer' });
    seen.add(id);
  });
  return problems;
}

export function pollShapeProblems(input: { audience: PollAudience; closesAt: Date; hasCampaign: boolean }, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.audience === 'BACKERS' && !input.hasCampaign) {
    problems.push({ path: 'audience', message: 'BACKERS polls ask the backers of the contest’s campaign: link the contest to a campaign, or ask PUBLIC' });
  }
  const seconds = (input.closesAt.getTime() - now.getTime()) / 1000;
  if (!(seconds > 0)) problems.push({ path: 'closesAt', message: 'must be in the future' });
  else if (seconds > POLL_MAX_OPEN_SECONDS) problems.push({ path: 'closesAt', message: `must be at most ${POLL_MAX_OPEN_SECONDS / 86_400} days ahead` });
  return problems;
}

export function isPollOpen(poll: { closesAt: Date }, now: Date): boolean {
  return now.getTime() < poll.closesAt.getTime();
}

/** Who the poll asks, as the reading and voting rules need it. */
export interface PollViewer {
  signedIn: boolean;
  isHolder: boolean;
  isAdmin: boolean;
  /** Holds a PENDING or COLLECTED pledge on the poll's campaign. */
  backs: boolean;
}

/**
 * A PUBLIC poll is read by anyone who sees the contest, anonymous visitors too (its counts are
 * the crowd's public answer); a BACKERS poll only by its audience, the holder and admins.
 */
export function canReadPoll(audience: PollAudience, viewer: PollViewer): boolean {
  return audience === 'PUBLIC' || viewer.isHolder || viewer.isAdmin || viewer.backs;
}

/**
 * Why this profile may not vote in the poll, or null: a PUBLIC poll asks every signed-in profile
 * (its holder too), a BACKERS poll only the campaign's backers.
 */
export function voterRefusal(audience: PollAudience, viewer: PollViewer): string | null {
  if (audience === 'BACKERS' && !viewer.backs) {
    return "Only backers with a pending or collected pledge on the contest's campaign vote in this poll: back the campaign to vote";
  }
  return null;
}

/** Why the vote for this option is refused, or null. Not an option is the caller's input; a closed poll or a withdrawn entry is the state. */
export function voteRefusal(
  poll: { closesAt: Date },
  contestStatus: ContestStatus,
  option: { isOption: boolean; status: EntryStatus | null },
  now: Date,
): Refusal | null {
  if (!option.isOption) return { code: 'BAD_USER_INPUT', path: 'entryId', message: 'is not one of the poll’s options' };
  if (!isPollOpen(poll, now)) return { code: 'CONFLICT', message: `The poll closed at ${poll.closesAt.toISOString()}; votes are no longer taken` };
  if (contestStatus === 'CANCELED') return { code: 'CONFLICT', message: 'The contest was canceled; its polls take no more votes' };
  if (option.status === 'WITHDRAWN') return { code: 'CONFLICT', message: 'Its designer withdrew this entry; vote for another option' };
  return null;
}
