import { votePercent, voteRefusal } from './poll-errors';

describe('poll refusals and shares', () => {
  const forbidden = { code: 'FORBIDDEN', message: 'You may not do this: not a backer', fields: {} };
  it('says who may vote on a BACKERS poll', () => {
    expect(voteRefusal(forbidden, 'BACKERS')?.message).toBe('Only backers of the campaign can vote in this poll.');
  });
  it('leaves other refusals as errors.ts says them', () => {
    expect(voteRefusal(forbidden, 'PUBLIC')).toBe(forbidden);
    const conflict = { code: 'CONFLICT', message: 'the poll is closed', fields: {} };
    expect(voteRefusal(conflict, 'BACKERS')).toBe(conflict);
    expect(voteRefusal(null, 'BACKERS')).toBeNull();
  });
  it('rounds shares and has none without votes', () => {
    expect(votePercent(0, 0)).toBe(0);
    expect(votePercent(1, 3)).toBe(33);
    expect(votePercent(2, 3)).toBe(67);
    expect(votePercent(4, 4)).toBe(100);
  });
});
