import { CONTEST_STATUSES, RUNNING_CONTEST_STATUSES } from '../domain/contest-status.machine';
import { ENTRY_STATUSES } from '../domain/entry-status.machine';
import {
  POLL_MAX_OPEN_SECONDS,
  canReadPoll,
  isPollOpen,
  pollContestRefusal,
  pollOptionProblems,
  pollShapeProblems,
  voteRefusal,
  voterRefusal,
  type OptionEntry,
  type PollAudience,
  type PollViewer,
} from './poll-rules';

const now = new Date('2026-12-01T12:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('which contests hold polls', () => {
  it('a running contest that is not blind, in every running status', () => {
    for (const status of CONTEST_STATUSES) {
      const refusal = pollContestRefusal({ status, blind: false });
      expect([status, refusal === null]).toEqual([status, RUNNING_CONTEST_STATUSES.includes(status)]);
    }
  });

  it('never a blind contest: a poll would show its entries to every voter', () => {
    for (const status of CONTEST_STATUSES) expect(pollContestRefusal({ status, blind: true })).toMatch(/blind contest cannot hold polls/);
  });
});

describe('a new poll’s options', () => {
  const entries = new Map<string, OptionEntry>([
    ['a', { contestId: 'c1', status: 'ACTIVE' }],
    ['b', { contestId: 'c1', status: 'FINALIST' }],
    ['c', { contestId: 'c1', status: 'ELIMINATED' }],
    ['w', { contestId: 'c1', status: 'WITHDRAWN' }],
    ['x', { contestId: 'c2', status: 'ACTIVE' }],
    ...['d', 'e', 'f', 'g', 'h', 'i'].map((id) => [id, { contestId: 'c1', status: 'ACTIVE' }] as [string, OptionEntry]),
  ]);

  it('2 to 8 distinct entries of the contest, any status but withdrawn', () => {
    expect(pollOptionProblems('c1', ['a', 'b'], entries)).toEqual([]);
    expect(pollOptionProblems('c1', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], entries)).toEqual([]);
  });

  it('refuses fewer than 2 or more than 8', () => {
    expect(pollOptionProblems('c1', ['a'], entries)).toEqual([{ path: 'entryIds', message: 'list 2 to 8 entries of the contest' }]);
    expect(pollOptionProblems('c1', [], entries).map((p) => p.path)).toEqual(['entryIds']);
    expect(pollOptionProblems('c1', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], entries).map((p) => p.path)).toEqual(['entryIds']);
  });

  it('names each bad entry at its path: repeated, unknown, of another contest, withdrawn', () => {
    expect(pollOptionProblems('c1', ['a', 'a', 'zz', 'x', 'w', 'b'], entries)).toEqual([
      { path: 'entryIds.1', message: 'lists the entry more than once' },
      { path: 'entryIds.2', message: 'is not an entry' },
      { path: 'entryIds.3', message: 'is an entry of another contest' },
      { path: 'entryIds.4', message: 'was withdrawn by its designer' },
    ]);
  });
});

describe('a new poll’s shape', () => {
  it('closes in the future, at most 90 days ahead', () => {
    expect(pollShapeProblems({ audience: 'PUBLIC', closesAt: later(1), hasCampaign: false }, now)).toEqual([]);
    expect(pollShapeProblems({ audience: 'PUBLIC', closesAt: later(POLL_MAX_OPEN_SECONDS), hasCampaign: false }, now)).toEqual([]);
    expect(pollShapeProblems({ audience: 'PUBLIC', closesAt: later(POLL_MAX_OPEN_SECONDS + 1), hasCampaign: false }, now)).toEqual([
      { path: 'closesAt', message: 'must be at most 90 days ahead' },
    ]);
    expect(pollShapeProblems({ audience: 'PUBLIC', closesAt: now, hasCampaign: false }, now)).toEqual([{ path: 'closesAt', message: 'must be in the future' }]);
    expect(pollShapeProblems({ audience: 'PUBLIC', closesAt: new Date(Number.NaN), hasCampaign: false }, now).map((p) => p.path)).toEqual(['closesAt']);
  });

  it('BACKERS needs a linked campaign; PUBLIC does not', () => {
    expect(pollShapeProblems({ audience: 'BACKERS', closesAt: later(60), hasCampaign: true }, now)).toEqual([]);
    expect(pollShapeProblems({ audience: 'BACKERS', closesAt: later(-1), hasCampaign: false }, now).map((p) => p.path)).toEqual(['audience', 'closesAt']);
  });
});

describe('a poll is open until closesAt, then closed for good', () => {
  it('open strictly before closesAt', () => {
    expect(isPollOpen({ closesAt: later(1) }, now)).toBe(true);
    expect(isPollOpen({ closesAt: now }, now)).toBe(false);
    expect(isPollOpen({ closesAt: later(-1) }, now)).toBe(false);
  });
});

describe('who reads and who votes', () => {
  const viewers: Record<string, PollViewer> = {
    anonymous: { signedIn: false, isHolder: false, isAdmin: false, backs: false },
    stranger: { signedIn: true, isHolder: false, isAdmin: false, backs: false },
    backer: { signedIn: true, isHolder: false, isAdmin: false, backs: true },
    holder: { signedIn: true, isHolder: true, isAdmin: false, backs: false },
    admin: { signedIn: true, isHolder: false, isAdmin: true, backs: false },
  };

  it('reading: PUBLIC for everyone; BACKERS for its backers, the holder and admins', () => {
    const readers = (audience: PollAudience) => Object.keys(viewers).filter((name) => canReadPoll(audience, viewers[name]));
    expect(readers('PUBLIC')).toEqual(['anonymous', 'stranger', 'backer', 'holder', 'admin']);
    expect(readers('BACKERS')).toEqual(['backer', 'holder', 'admin']);
  });

  it('voting: PUBLIC for every signed-in profile, the holder too; BACKERS for its backers only', () => {
    const voters = (audience: PollAudience) =>
      Object.keys(viewers).filter((name) => viewers[name].signedIn && voterRefusal(audience, viewers[name]) === null);
    expect(voters('PUBLIC')).toEqual(['stranger', 'backer', 'holder', 'admin']);
    expect(voters('BACKERS')).toEqual(['backer']);
    expect(voterRefusal('BACKERS', viewers.stranger)).toMatch(/back the campaign to vote/);
    expect(voterRefusal('BACKERS', viewers.holder)).toMatch(/back the campaign to vote/);
    expect(voterRefusal('BACKERS', { ...viewers.holder, backs: true })).toBeNull();
  });
});

describe('whether a vote counts', () => {
  const open = { closesAt: later(60) };
  const option = { isOption: true, status: 'ACTIVE' as const };

  it('counts for an option of an open poll, whatever the entry’s status but withdrawn', () => {
    for (const status of ENTRY_STATUSES) {
      const refusal = voteRefusal(open, 'OPEN', { isOption: true, status }, now);
      expect([status, refusal?.code ?? null]).toEqual([status, status === 'WITHDRAWN' ? 'CONFLICT' : null]);
    }
  });

  it('an entry that is not an option is bad input, checked first', () => {
    expect(voteRefusal({ closesAt: later(-1) }, 'CANCELED', { isOption: false, status: null }, now)).toEqual({
      code: 'BAD_USER_INPUT',
      path: 'entryId',
      message: 'is not one of the poll’s options',
    });
  });

  it('a closed poll or a canceled contest takes no vote', () => {
    expect(voteRefusal({ closesAt: now }, 'OPEN', option, now)).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/closed/) });
    expect(voteRefusal(open, 'CANCELED', option, now)).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/canceled/) });
    for (const status of CONTEST_STATUSES.filter((s) => s !== 'CANCELED')) expect(voteRefusal(open, status, option, now)).toBeNull();
  });
});
