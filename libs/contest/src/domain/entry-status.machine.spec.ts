import { CONTEST_STATUSES, type ContestStatus } from './contest-status.machine';
import { ENTRY_EVENTS, ENTRY_STATUSES, entrySourceStatuses, entryTransition, type EntryEvent, type EntryStatus } from './entry-status.machine';

// Every allowed (entry state, event, contest state), written out independently of the implementation.
const RUNNING: ContestStatus[] = ['OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION'];
const ALLOWED: [EntryStatus, EntryEvent, ContestStatus[], EntryStatus][] = [
  ['ACTIVE', 'revise', ['OPEN'], 'ACTIVE'],
  ['FINALIST', 'revise', ['FINAL_ROUND'], 'FINALIST'],
  ['ACTIVE', 'withdraw', RUNNING, 'WITHDRAWN'],
  ['FINALIST', 'withdraw', RUNNING, 'WITHDRAWN'],
  ['ACTIVE', 'rate', RUNNING, 'ACTIVE'],
  ['FINALIST', 'rate', RUNNING, 'FINALIST'],
  ['ACTIVE', 'eliminate', RUNNING, 'ELIMINATED'],
  ['FINALIST', 'eliminate', RUNNING, 'ELIMINATED'],
  ['ACTIVE', 'selectFinalist', ['OPEN', 'FINALIST_SELECTION'], 'FINALIST'],
  ['ACTIVE', 'win', ['OPEN', 'FINALIST_SELECTION'], 'WINNER'],
  ['FINALIST', 'win', ['FINAL_ROUND', 'WINNER_SELECTION'], 'WINNER'],
];

function expected(status: EntryStatus, event: EntryEvent, contest: ContestStatus): EntryStatus | undefined {
  return ALLOWED.find(([from, on, during]) => from === status && on === event && during.includes(contest))?.[3];
}

describe('entry status machine', () => {
  const cases = ENTRY_STATUSES.flatMap((status) => ENTRY_EVENTS.flatMap((event) => CONTEST_STATUSES.map((contest) => [status, event, contest] as const)));

  it('covers all 5 x 6 x 8 (entry state, event, contest state) triples', () => {
    expect(cases).toHaveLength(240);
  });

  it.each(cases)('%s --%s--> while the contest is %s', (status, event, contest) => {
    const next = expected(status, event, contest);
    const result = entryTransition(status, event, contest);
    if (next) expect(result).toEqual({ ok: true, next });
    else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/^Cannot .+: .+/);
    }
  });

  it('derives the gate guard from the same table', () => {
    for (const event of ENTRY_EVENTS) {
      for (const contest of CONTEST_STATUSES) {
        const sources = ENTRY_STATUSES.filter((status) => expected(status, event, contest));
        expect(entrySourceStatuses(event, contest).sort()).toEqual(sources.sort());
      }
    }
  });

  it('an eliminated or withdrawn entry cannot win or become a finalist, and says so', () => {
    for (const status of ['ELIMINATED', 'WITHDRAWN'] as const) {
      expect(entryTransition(status, 'win', 'OPEN')).toEqual({ ok: false, reason: expect.stringContaining('an eliminated or withdrawn entry cannot win') });
      expect(entryTransition(status, 'selectFinalist', 'FINALIST_SELECTION')).toEqual({
        ok: false,
        reason: expect.stringContaining('cannot become a finalist'),
      });
    }
  });

  it('a non-finalist cannot revise in the final round', () => {
    expect(entryTransition('ACTIVE', 'revise', 'FINAL_ROUND')).toEqual({
      ok: false,
      reason: 'Cannot revise a ACTIVE entry: it is in the running; in the final round only finalists revise their entries',
    });
  });
});
