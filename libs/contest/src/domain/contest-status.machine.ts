/**
 * A contest's life (ARCHITECTURE.md, "State machines", 99designs' rounds):
 *   DRAFT -open (prize paid into escrow)-> OPEN (qualifying round)
 *   OPEN -qualifying round over-> FINALIST_SELECTION
 *   OPEN | FINALIST_SELECTION -holder selects finalists, or the window ends on a guaranteed contest-> FINAL_ROUND
 *   FINAL_ROUND -final round over-> WINNER_SELECTION
 *   OPEN | FINALIST_SELECTION | FINAL_ROUND | WINNER_SELECTION -holder picks a winner-> HANDOVER
 *   HANDOVER -holder approves, or the auto-approve timer after delivery-> COMPLETED
 *   WINNER_SELECTION -window over, guaranteed-> COMPLETED (the prize split among the finalists)
 *   FINALIST_SELECTION | WINNER_SELECTION -window over, not guaranteed (or nobody to award)-> CANCELED
 *   DRAFT | OPEN | FINALIST_SELECTION -holder cancels, not guaranteed-> CANCELED
 * Pure and Nest-free.
 */
import { allow, refuse, type Transition } from '../shared/transition';

export const CONTEST_STATUSES = [
  'DRAFT',
  'OPEN',
  'FINALIST_SELECTION',
  'FINAL_ROUND',
  'WINNER_SELECTION',
  'HANDOVER',
  'COMPLETED',
  'CANCELED',
] as const;
export type ContestStatus = (typeof CONTEST_STATUSES)[number];

export const CONTEST_EVENTS = [
  'open',
  'closeQualifying',
  'selectFinalists',
  'closeFinalRound',
  'pickWinner',
  'approveHandover',
  'split',
  'expire',
  'cancel',
] as const;
/**
 * open: the prize and fee were charged;  closeQualifying / closeFinalRound: a round's timer;
 * selectFinalists: by the holder, or by the finalist-selection timer of a guaranteed contest;
 * pickWinner: by the holder;  approveHandover: by the holder or the auto-approve timer, once
 * delivered;  split: the winner window ended on a guaranteed contest;  expire: a selection
 * window ended with nobody to award (not guaranteed, or no entry to award);  cancel: by the holder.
 */
export type ContestEvent = (typeof CONTEST_EVENTS)[number];

/** What the machine needs to know besides the status. */
export interface ContestFacts {
  /** The prize will be awarded whatever happens (chosen at creation, or by selecting finalists). */
  guaranteed: boolean;
  /** The winner delivered the final files. */
  delivered: boolean;
  /** There is an entry that could be awarded (a guaranteed contest with none is canceled). */
  hasCandidates: boolean;
}

/** Contests that take entries, ratings and eliminations: a round is running or a selection is pending. */
export const RUNNING_CONTEST_STATUSES: readonly ContestStatus[] = ['OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION'];
/** Contests whose money has left the escrow (paid out or refunded). */
export const ENDED_CONTEST_STATUSES: readonly ContestStatus[] = ['COMPLETED', 'CANCELED'];

const MEANING: Record<ContestStatus, string> = {
  DRAFT: 'its prize has not been paid yet',
  OPEN: 'its qualifying round is running',
  FINALIST_SELECTION: 'its qualifying round is over and finalists are being chosen',
  FINAL_ROUND: 'its finalists are revising their entries',
  WINNER_SELECTION: 'its final round is over and the winner is being chosen',
  HANDOVER: 'its winner was picked and is handing over the files',
  COMPLETED: 'it is completed and the prize was released',
  CANCELED: 'it was canceled',
};

const VERB: Record<ContestEvent, string> = {
  open: 'open',
  closeQualifying: 'end the qualifying round of',
  selectFinalists: 'select finalists in',
  closeFinalRound: 'end the final round of',
  pickWinner: 'pick a winner in',
  approveHandover: 'approve the handover of',
  split: 'split the prize of',
  expire: 'let the selection window lapse on',
  cancel: 'cancel',
};

const SOURCES: Record<ContestEvent, readonly ContestStatus[]> = {
  open: ['DRAFT'],
  closeQualifying: ['OPEN'],
  selectFinalists: ['OPEN', 'FINALIST_SELECTION'],
  closeFinalRound: ['FINAL_ROUND'],
  pickWinner: ['OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION'],
  approveHandover: ['HANDOVER'],
  split: ['WINNER_SELECTION'],
  expire: ['FINALIST_SELECTION', 'WINNER_SELECTION'],
  cancel: ['DRAFT', 'OPEN', 'FINALIST_SELECTION'],
};

const TARGET: Record<ContestEvent, ContestStatus> = {
  open: 'OPEN',
  closeQualifying: 'FINALIST_SELECTION',
  selectFinalists: 'FINAL_ROUND',
  closeFinalRound: 'WINNER_SELECTION',
  pickWinner: 'HANDOVER',
  approveHandover: 'COMPLETED',
  split: 'COMPLETED',
  expire: 'CANCELED',
  cancel: 'CANCELED',
};

const ADVICE: Record<ContestEvent, string> = {
  open: 'only a DRAFT contest can be opened',
  closeQualifying: 'only an OPEN contest has a qualifying round to end',
  selectFinalists: 'finalists are selected during the qualifying round or the finalist selection that follows it',
  closeFinalRound: 'only a contest in its FINAL_ROUND has a final round to end',
  pickWinner: 'a winner is picked from a running round (OPEN, FINALIST_SELECTION, FINAL_ROUND or WINNER_SELECTION)',
  approveHandover: 'only a contest in HANDOVER can have its handover approved',
  split: 'only a contest whose winner window is running can have its prize split',
  expire: 'only a selection window (FINALIST_SELECTION, WINNER_SELECTION) lapses',
  cancel: 'only a contest before its finalists are chosen (DRAFT, OPEN, FINALIST_SELECTION) can be canceled',
};

/** The statuses from which `event` may move a contest: the gate's `WHERE status IN (...)`. */
export function contestSourceStatuses(event: ContestEvent): readonly ContestStatus[] {
  return SOURCES[event];
}

export function contestTransition(status: ContestStatus, event: ContestEvent, facts: ContestFacts): Transition<ContestStatus> {
  if (!SOURCES[event].includes(status)) {
    return refuse(`Cannot ${VERB[event]} a ${status} contest: ${MEANING[status]}; ${ADVICE[event]}`);
  }
  switch (event) {
    case 'cancel':
      if (facts.guaranteed && status !== 'DRAFT') {
        return refuse(`Cannot cancel a guaranteed contest: its prize will be awarded whatever happens; pick a winner instead`);
      }
      break;
    case 'approveHandover':
      if (!facts.delivered) return refuse('Cannot approve the handover yet: the winner has not delivered the final files (deliverHandover)');
      break;
    case 'split':
      if (!facts.guaranteed) return refuse('Cannot split the prize of a contest that is not guaranteed: it is canceled and refunded instead');
      if (!facts.hasCandidates) return refuse('Cannot split the prize: the contest has no finalist to award it to');
      break;
    case 'expire':
      if (facts.guaranteed && facts.hasCandidates) {
        return refuse('A guaranteed contest does not lapse while it has entries to award: its prize is awarded instead');
      }
      break;
  }
  return allow(TARGET[event]);
}

/** Actions that are not transitions but depend on the contest's status. */
export const CONTEST_ACTIONS = ['submitEntry', 'reviseEntry', 'judgeEntry', 'deliverHandover'] as const;
export type ContestAction = (typeof CONTEST_ACTIONS)[number];

const ACTION: Record<ContestAction, { allowed: readonly ContestStatus[]; verb: string; advice: string }> = {
  submitEntry: {
    allowed: ['OPEN'],
    verb: 'submit an entry to',
    advice: 'entries are submitted during the qualifying round (OPEN); in the final round only finalists revise theirs',
  },
  reviseEntry: {
    allowed: ['OPEN', 'FINAL_ROUND'],
    verb: 'revise an entry of',
    advice: 'entries are revised while the contest is OPEN, and by finalists during the FINAL_ROUND',
  },
  judgeEntry: {
    allowed: RUNNING_CONTEST_STATUSES,
    verb: 'rate or eliminate an entry of',
    advice: 'entries are judged while a round is running, before the winner is picked',
  },
  deliverHandover: {
    allowed: ['HANDOVER'],
    verb: 'deliver the final files of',
    advice: 'the winner delivers once picked, while the contest is in HANDOVER',
  },
};

export function contestAllows(status: ContestStatus, action: ContestAction): Transition<ContestStatus> {
  const rule = ACTION[action];
  if (rule.allowed.includes(status)) return allow(status);
  return refuse(`Cannot ${rule.verb} a ${status} contest: ${MEANING[status]}; ${rule.advice}`);
}
