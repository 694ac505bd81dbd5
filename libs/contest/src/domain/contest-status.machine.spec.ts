import {
  CONTEST_ACTIONS,
  CONTEST_EVENTS,
  CONTEST_STATUSES,
  contestAllows,
  contestSourceStatuses,
  contestTransition,
  type ContestAction,
  type ContestEvent,
  type ContestFacts,
  type ContestStatus,
} from './contest-status.machine';

// Every (state, event) pair that moves, written out independently of the implementation;
// `when` names the facts that must hold (any other pair is refused whatever the facts).
type Rule = { next: ContestStatus; when?: (facts: ContestFacts) => boolean };
const TRANSITIONS: Record<ContestStatus, Partial<Record<ContestEvent, Rule>>> = {
  DRAFT: { open: { next: 'OPEN' }, cancel: { next: 'CANCELED' } },
  OPEN: {
    closeQualifying: { next: 'FINALIST_SELECTION' },
    selectFinalists: { next: 'FINAL_ROUND' },
    pickWinner: { next: 'HANDOVER' },
    cancel: { next: 'CANCELED', when: (f) => !f.guaranteed },
  },
  FINALIST_SELECTION: {
    selectFinalists: { next: 'FINAL_ROUND' },
    pickWinner: { next: 'HANDOVER' },
    expire: { next: 'CANCELED', when: (f) => !f.guaranteed || !f.hasCandidates },
    cancel: { next: 'CANCELED', when: (f) => !f.guaranteed },
  },
  FINAL_ROUND: { closeFinalRound: { next: 'WINNER_SELECTION' }, pickWinner: { next: 'HANDOVER' } },
  WINNER_SELECTION: {
    pickWinner: { next: 'HANDOVER' },
    split: { next: 'COMPLETED', when: (f) => f.guaranteed && f.hasCandidates },
    expire: { next: 'CANCELED', when: (f) => !f.guaranteed || !f.hasCandidates },
  },
  HANDOVER: { approveHandover: { next: 'COMPLETED', when: (f) => f.delivered } },
  COMPLETED: {},
  CANCELED: {},
};

const ALL_FACTS: ContestFacts[] = [false, true].flatMap((guaranteed) =>
  [false, true].flatMap((delivered) => [false, true].map((hasCandidates) => ({ guaranteed, delivered, hasCandidates }))),
);

describe('contest status machine', () => {
  const cases = CONTEST_STATUSES.flatMap((status) => CONTEST_EVENTS.flatMap((event) => ALL_FACTS.map((facts) => [status, event, facts] as const)));

  it('covers all 8 x 9 (state, event) pairs under all 8 combinations of facts', () => {
    expect(cases).toHaveLength(8 * 9 * 8);
  });

  it.each(cases)('%s --%s--> (%j)', (status, event, facts) => {
    const rule = TRANSITIONS[status][event];
    const result = contestTransition(status, event, facts);
    if (rule && (!rule.when || rule.when(facts))) {
      expect(result).toEqual({ ok: true, next: rule.next });
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/^(Cannot|A guaranteed contest) .+/);
    }
  });

  it('derives the gate guard from the same table: an event moves only from its source statuses', () => {
    for (const event of CONTEST_EVENTS) {
      const expected = CONTEST_STATUSES.filter((status) => TRANSITIONS[status][event]);
      expect([...contestSourceStatuses(event)].sort()).toEqual([...expected].sort());
    }
  });

  it('says why and what to do instead', () => {
    expect(contestTransition('FINAL_ROUND', 'cancel', { guaranteed: true, delivered: false, hasCandidates: true })).toEqual({
      ok: false,
      reason:
        'Cannot cancel a FINAL_ROUND contest: its finalists are revising their entries; only a contest before its finalists are chosen (DRAFT, OPEN, FINALIST_SELECTION) can be canceled',
    });
    expect(contestTransition('OPEN', 'cancel', { guaranteed: true, delivered: false, hasCandidates: false })).toEqual({
      ok: false,
      reason: 'Cannot cancel a guaranteed contest: its prize will be awarded whatever happens; pick a winner instead',
    });
    expect(contestTransition('HANDOVER', 'approveHandover', { guaranteed: true, delivered: false, hasCandidates: true })).toEqual({
      ok: false,
      reason: expect.stringContaining('has not delivered the final files'),
    });
  });

  it('never leaves a final state', () => {
    for (const status of ['COMPLETED', 'CANCELED'] as const) {
      for (const event of CONTEST_EVENTS) for (const facts of ALL_FACTS) expect(contestTransition(status, event, facts).ok).toBe(false);
    }
  });

  const ACTIONS: Record<ContestAction, ContestStatus[]> = {
    submitEntry: ['OPEN'],
    reviseEntry: ['OPEN', 'FINAL_ROUND'],
    judgeEntry: ['OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION'],
    deliverHandover: ['HANDOVER'],
  };

  it.each(CONTEST_STATUSES.flatMap((status) => CONTEST_ACTIONS.map((action) => [status, action] as const)))('%s allows %s?', (status, action) => {
    const result = contestAllows(status, action);
    expect(result.ok).toBe(ACTIONS[action].includes(status));
    if (!result.ok) expect(result.reason).toMatch(new RegExp(`^Cannot .+ a ${status} contest: .+; .+`));
  });

  it('tells a designer submitting in the final round that only finalists revise', () => {
    expect(contestAllows('FINAL_ROUND', 'submitEntry')).toEqual({
      ok: false,
      reason: expect.stringContaining('in the final round only finalists revise theirs'),
    });
  });
});
