import { ENTRY_EVENTS } from '../domain/entry-status.machine';
import { handoverNotice, movedNotice, submittedNotice, type EntryFacts } from './contest-notices';

const entry: EntryFacts = {
  entryId: 'ent_1',
  number: 3,
  title: 'Round lamp',
  designerId: 'prf_designer',
  rating: 4,
  eliminationReason: null,
  changedAt: '2026-12-01 12:00:00.123456+00',
  contestId: 'cst_1',
  contestTitle: 'Lamp logo',
  holderId: 'prf_holder',
  prizeAmount: 30_000,
  currency: 'EUR',
};
const formatMoney = ({ amount, currency }: { amount: number; currency: string }) => `${amount / 100} ${currency}`;

describe('contest notices', () => {
  it('tells the holder of a new entry, once per entry', () => {
    expect(submittedNotice(entry)).toEqual({
      key: 'contest.entry.submitted:ent_1',
      kind: 'ENTRY_SUBMITTED',
      message: 'New entry #3 "Round lamp" in your contest "Lamp logo": rate it, or eliminate it, while the round runs',
      subjectId: 'ent_1',
      relatedIds: ['cst_1'],
      recipients: ['prf_holder'],
    });
    expect(submittedNotice({ ...entry, title: null }).message).toContain('New entry #3 in your contest');
  });

  it('tells only the entry’s own designer of what the holder did to it, and nobody of their own revisions or withdrawals', () => {
    const told = Object.fromEntries(ENTRY_EVENTS.map((event) => [event, movedNotice(event, entry, formatMoney)]));
    expect(told.revise).toBeNull();
    expect(told.withdraw).toBeNull();
    expect(Object.fromEntries(Object.entries(told).flatMap(([event, notice]) => (notice ? [[event, notice.kind]] : [])))).toEqual({
      rate: 'ENTRY_RATED',
      eliminate: 'ENTRY_ELIMINATED',
      selectFinalist: 'FINALIST_SELECTED',
      win: 'CONTEST_WON',
    });
    for (const notice of Object.values(told).filter((n) => n !== null)) {
      expect(notice).toMatchObject({ subjectId: 'ent_1', relatedIds: ['cst_1'], recipients: ['prf_designer'] });
      expect(notice.audiences).toBeUndefined();
    }
    expect(told.rate!.message).toBe('The holder of "Lamp logo" rated your entry #3 "Round lamp" 4 of 5 stars');
    expect(told.win!.message).toContain('deliverHandover(contestId: "cst_1"');
    expect(told.win!.message).toContain('300 EUR');
    expect(told.selectFinalist!.message).toContain('finalist in "Lamp logo"');
  });

  it('keys each fact: a rating per change of the entry, the other moves once per entry', () => {
    const later = { ...entry, rating: 2, changedAt: '2026-12-01 12:00:01.000001+00' };
    expect(movedNotice('rate', entry, formatMoney)!.key).toBe('contest.entry.rated:ent_1:2026-12-01 12:00:00.123456+00');
    expect(movedNotice('rate', later, formatMoney)!.key).not.toBe(movedNotice('rate', entry, formatMoney)!.key);
    expect(movedNotice('eliminate', later, formatMoney)!.key).toBe('contest.entry.eliminated:ent_1');
    expect(movedNotice('selectFinalist', later, formatMoney)!.key).toBe('contest.entry.finalist:ent_1');
    expect(movedNotice('win', later, formatMoney)!.key).toBe('contest.entry.won:ent_1');
  });

  it('gives the holder’s reason for an elimination when there is one', () => {
    expect(movedNotice('eliminate', { ...entry, eliminationReason: 'Too close to our old logo' }, formatMoney)!.message).toContain(
      ': "Too close to our old logo"',
    );
    expect(movedNotice('eliminate', entry, formatMoney)!.message).toMatch(/^The holder of "Lamp logo" eliminated your entry #3 "Round lamp"\. /);
  });

  it('tells the holder that the final files arrived, how to approve them and when they approve themselves', () => {
    const contest = { contestId: 'cst_1', contestTitle: 'Lamp logo', holderId: 'prf_holder' };
    const notice = handoverNotice(contest, new Date('2026-12-04T12:00:00.000Z'));
    expect(notice).toMatchObject({ key: 'contest.handover.delivered:cst_1', kind: 'HANDOVER_DELIVERED', subjectId: 'cst_1', recipients: ['prf_holder'] });
    expect(notice.message).toContain('approveHandover(contestId: "cst_1")');
    expect(notice.message).toContain('automatically at 2026-12-04T12:00:00.000Z');
    expect(handoverNotice(contest, null).message).not.toContain('automatically');
  });
});
