/**
 * An entry's life, which depends on where its contest is:
 *   ACTIVE -revise (contest OPEN)-> ACTIVE;  FINALIST -revise (contest FINAL_ROUND)-> FINALIST
 *   ACTIVE | FINALIST -withdraw, rate, eliminate (while a round runs)-> WITHDRAWN, same, ELIMINATED
 *   ACTIVE -selectFinalist (contest OPEN or FINALIST_SELECTION)-> FINALIST
 *   ACTIVE -win (before finalists are chosen)-> WINNER;  FINALIST -win (after)-> WINNER
 * An eliminated or withdrawn entry never becomes a finalist or the winner. Pure and Nest-free.
 */
import { RUNNING_CONTEST_STATUSES, type ContestStatus } from './contest-status.machine';
import { allow, refuse, type Transition } from '../shared/transition';

export const ENTRY_STATUSES = ['ACTIVE', 'FINALIST', 'ELIMINATED', 'WITHDRAWN', 'WINNER'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const ENTRY_EVENTS = ['revise', 'withdraw', 'rate', 'eliminate', 'selectFinalist', 'win'] as const;
export type EntryEvent = (typeof ENTRY_EVENTS)[number];

/** Entries still in the running: they may be rated, revised, chosen. */
export const COMPETING_ENTRY_STATUSES: readonly EntryStatus[] = ['ACTIVE', 'FINALIST'];

const MEANING: Record<EntryStatus, string> = {
  ACTIVE: 'it is in the running',
  FINALIST: 'it is a finalist',
  ELIMINATED: 'it was eliminated by the holder',
  WITHDRAWN: 'its designer withdrew it',
  WINNER: 'it won the contest',
};

const VERB: Record<EntryEvent, string> = {
  revise: 'revise',
  withdraw: 'withdraw',
  rate: 'rate',
  eliminate: 'eliminate',
  selectFinalist: 'select as a finalist',
  win: 'pick as the winner',
};

const PAST: Record<EntryEvent, string> = {
  revise: 'revised',
  withdraw: 'withdrawn',
  rate: 'rated',
  eliminate: 'eliminated',
  selectFinalist: 'selected as finalists',
  win: 'picked as the winner',
};

/** For each event: the contest statuses it happens in, and for each the entry's move. */
const TABLE: Record<EntryEvent, { contest: readonly ContestStatus[]; moves: Partial<Record<EntryStatus, EntryStatus>>; advice: string }[]> = {
  revise: [
    { contest: ['OPEN'], moves: { ACTIVE: 'ACTIVE' }, advice: 'entries are revised while the contest is OPEN' },
    { contest: ['FINAL_ROUND'], moves: { FINALIST: 'FINALIST' }, advice: 'in the final round only finalists revise their entries' },
  ],
  withdraw: [{ contest: RUNNING_CONTEST_STATUSES, moves: { ACTIVE: 'WITHDRAWN', FINALIST: 'WITHDRAWN' }, advice: 'only an entry still in the running can be withdrawn' }],
  rate: [{ contest: RUNNING_CONTEST_STATUSES, moves: { ACTIVE: 'ACTIVE', FINALIST: 'FINALIST' }, advice: 'only an entry still in the running can be rated' }],
  eliminate: [
    { contest: RUNNING_CONTEST_STATUSES, moves: { ACTIVE: 'ELIMINATED', FINALIST: 'ELIMINATED' }, advice: 'only an entry still in the running can be eliminated' },
  ],
  selectFinalist: [
    {
      contest: ['OPEN', 'FINALIST_SELECTION'],
      moves: { ACTIVE: 'FINALIST' },
      advice: 'an eliminated or withdrawn entry cannot become a finalist; pick ACTIVE entries',
    },
  ],
  win: [
    { contest: ['OPEN', 'FINALIST_SELECTION'], moves: { ACTIVE: 'WINNER' }, advice: 'an eliminated or withdrawn entry cannot win; pick an ACTIVE entry' },
    { contest: ['FINAL_ROUND', 'WINNER_SELECTION'], moves: { FINALIST: 'WINNER' }, advice: 'once finalists are chosen, the winner is one of them' },
  ],
};

/** The entry statuses from which `event` may move an entry in a contest of `contestStatus`: the gate's `WHERE status IN (...)`. */
export function entrySourceStatuses(event: EntryEvent, contestStatus: ContestStatus): EntryStatus[] {
  const rule = TABLE[event].find((row) => row.contest.includes(contestStatus));
  return rule ? (Object.keys(rule.moves) as EntryStatus[]) : [];
}

export function entryTransition(status: EntryStatus, event: EntryEvent, contestStatus: ContestStatus): Transition<EntryStatus> {
  const rule = TABLE[event].find((row) => row.contest.includes(contestStatus));
  if (!rule) {
    const when = TABLE[event].map((row) => row.contest.join(' or ')).join('; or ');
    return refuse(`Cannot ${VERB[event]} an entry of a ${contestStatus} contest: entries are ${PAST[event]} only while the contest is ${when}`);
  }
  const next = rule.moves[status];
  if (next) return allow(next);
  return refuse(`Cannot ${VERB[event]} a ${status} entry: ${MEANING[status]}; ${rule.advice}`);
}
