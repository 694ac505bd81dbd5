import {
  categoryKey,
  deadlineProblem,
  describeSeconds,
  goalProblem,
  percentFunded,
  pledgeAmountProblems,
  settlementOutcome,
  slugWithSuffix,
  slugify,
  stretchGoalProblems,
  stretchGoalReached,
  tierProblems,
} from './campaign-rules';

const EUR = { oneMajorUnit: 100, maxCharge: 99_999_999 };
const JPY = { oneMajorUnit: 1, maxCharge: 99_999_999 };

describe('campaign rules', () => {
  describe('deadlineProblem', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const bounds = { minSeconds: 86400, maxSeconds: 5184000 };
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

    it('accepts the bounds themselves and anything between', () => {
      for (const seconds of [86400, 86401, 2592000, 5184000]) expect(deadlineProblem(at(seconds), now, bounds)).toBeNull();
    });
    it('refuses too soon, too late and the past, saying what to do', () => {
      expect(deadlineProblem(at(86399), now, bounds)).toEqual({ path: 'deadline', message: expect.stringContaining('at least 1 day from now') });
      expect(deadlineProblem(at(-10), now, bounds)?.message).toContain('choose a later deadline');
      expect(deadlineProblem(at(5184001), now, bounds)).toEqual({ path: 'deadline', message: expect.stringContaining('at most 60 days from now') });
      expect(deadlineProblem(new Date('nope'), now, bounds)?.message).toBe('must be a date-time');
    });
    it('describes durations in the largest whole unit', () => {
      expect(describeSeconds(2)).toBe('2 seconds');
      expect(describeSeconds(1)).toBe('1 second');
      expect(describeSeconds(120)).toBe('2 minutes');
      expect(describeSeconds(3600)).toBe('1 hour');
      expect(describeSeconds(86400 * 3)).toBe('3 days');
    });
  });

  it('goals are positive whole minor units', () => {
    expect(goalProblem(1)).toBeNull();
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(goalProblem(bad)).toEqual({ path: 'goal.amount', message: expect.any(String) });
  });

  describe('tierProblems', () => {
    it('needs a minimum of one whole unit up to one charge, and a limit of 1 or more', () => {
      expect(tierProblems({ minimum: 100, limit: null }, EUR)).toEqual([]);
      expect(tierProblems({ minimum: 1, limit: 1 }, JPY)).toEqual([]);
      expect(tierProblems({ minimum: 99, limit: 10 }, EUR).map((p) => p.path)).toEqual(['minimum']);
      expect(tierProblems({ minimum: 100_000_000, limit: 10 }, EUR).map((p) => p.path)).toEqual(['minimum']);
      expect(tierProblems({ minimum: 100, limit: 0 }, EUR).map((p) => p.path)).toEqual(['limit']);
      expect(tierProblems({ minimum: 0, limit: -1 }, EUR).map((p) => p.path)).toEqual(['minimum', 'limit']);
    });
    it('once backers chose it: the minimum cannot rise above a pledge, the limit cannot fall below the units taken', () => {
      const committed = { claimed: 3, lowestPledge: 2500 };
      expect(tierProblems({ minimum: 2500, limit: 3 }, EUR, committed)).toEqual([]);
      expect(tierProblems({ minimum: 2501, limit: 3 }, EUR, committed)).toEqual([
        { path: 'minimum', message: expect.stringContaining('cannot rise above it once pledged') },
      ]);
      expect(tierProblems({ minimum: 2000, limit: 2 }, EUR, committed)).toEqual([{ path: 'limit', message: expect.stringContaining('cannot go below 3') }]);
      expect(tierProblems({ minimum: 9999, limit: null }, EUR, { claimed: 0, lowestPledge: null })).toEqual([]);
    });
  });

  it('stretch goals lie beyond the goal', () => {
    expect(stretchGoalProblems(20_001, 20_000)).toEqual([]);
    expect(stretchGoalProblems(20_000, 20_000)).toEqual([{ path: 'target', message: expect.stringContaining('above the campaign') }]);
    expect(stretchGoalProblems(0, 20_000).map((p) => p.path)).toEqual(['target']);
  });

  describe('pledgeAmountProblems', () => {
    it('takes at least the tier minimum and one whole unit, at most one charge', () => {
      expect(pledgeAmountProblems(100, null, EUR)).toEqual([]);
      expect(pledgeAmountProblems(2500, 2500, EUR)).toEqual([]);
      expect(pledgeAmountProblems(99_999_999, null, EUR)).toEqual([]);
      expect(pledgeAmountProblems(1, null, JPY)).toEqual([]);
      expect(pledgeAmountProblems(99, null, EUR)[0].message).toContain('at least 100 minor units');
      expect(pledgeAmountProblems(2499, 2500, EUR)[0].message).toContain("tier's minimum of 2500");
      expect(pledgeAmountProblems(100_000_000, null, EUR)[0].message).toContain('at most 99999999');
      for (const bad of [0, -5, 1.5]) expect(pledgeAmountProblems(bad, null, EUR)).toEqual([{ path: 'amount', message: expect.stringContaining('positive') }]);
    });
  });

  describe('settlementOutcome', () => {
    it('ALL_OR_NOTHING: succeeds when collected plus pending reach the goal', () => {
      expect(settlementOutcome('ALL_OR_NOTHING', 1000, { collected: 0, pending: 1000 })).toBe('succeed');
      expect(settlementOutcome('ALL_OR_NOTHING', 1000, { collected: 400, pending: 600 })).toBe('succeed');
      expect(settlementOutcome('ALL_OR_NOTHING', 1000, { collected: 0, pending: 999 })).toBe('fail');
      expect(settlementOutcome('ALL_OR_NOTHING', 1000, { collected: 0, pending: 0 })).toBe('fail');
    });
    it('FLEXIBLE: succeeds if anything was collected', () => {
      expect(settlementOutcome('FLEXIBLE', 1_000_000, { collected: 1, pending: 0 })).toBe('succeed');
      expect(settlementOutcome('FLEXIBLE', 1, { collected: 0, pending: 0 })).toBe('fail');
    });
  });

  it('percentFunded and stretch goals follow what is pledged', () => {
    expect(percentFunded(0, 1000)).toBe(0);
    expect(percentFunded(500, 1000)).toBe(50);
    expect(percentFunded(1000, 3000)).toBe(33.33);
    expect(percentFunded(2500, 1000)).toBe(250);
    expect(percentFunded(10, 0)).toBe(0);
    expect(stretchGoalReached(999, 1000)).toBe(false);
    expect(stretchGoalReached(1000, 1000)).toBe(true);
  });

  it('slugs are lower-case words joined by dashes, with a short suffix after a collision', () => {
    expect(slugify('Lumière Lamp!')).toBe('lumiere-lamp');
    expect(slugify('  The  BEST -- thing__ever  ')).toBe('the-best-thing-ever');
    expect(slugify('!!!')).toBe('campaign');
    expect(slugify('日本')).toBe('campaign');
    expect(slugify('a'.repeat(100))).toHaveLength(60);
    expect(slugify(`${'a'.repeat(59)} b`)).toBe('a'.repeat(59));
    expect(slugWithSuffix('lumiere-lamp', () => 0)).toBe('lumiere-lamp-00000');
    expect(slugWithSuffix('lumiere-lamp')).toMatch(/^lumiere-lamp-[0-9a-z]{5}$/);
    expect(slugWithSuffix('x'.repeat(60)).length).toBeLessThanOrEqual(60);
  });

  it('categories compare without case or surrounding spaces', () => {
    expect(categoryKey(' Design ')).toBe('design');
  });
});
