import fc from 'fast-check';
import { bucketCount, bucketStarts, nextStart, ratio, splitWindow, startOf, type TimeUnit } from './time-window';

const at = (iso: string) => new Date(iso);
const units: TimeUnit[] = ['hour', 'day', 'week', 'month'];

describe('startOf and nextStart (UTC)', () => {
  it.each([
    ['hour', '2025-03-05T10:45:12.345Z', '2025-03-05T10:00:00.000Z', '2025-03-05T11:00:00.000Z'],
    ['day', '2025-03-05T10:45:00Z', '2025-03-05T00:00:00.000Z', '2025-03-06T00:00:00.000Z'],
    ['week', '2025-03-05T10:45:00Z', '2025-03-03T00:00:00.000Z', '2025-03-10T00:00:00.000Z'], // a Wednesday: its Monday
    ['week', '2025-03-09T23:59:59Z', '2025-03-03T00:00:00.000Z', '2025-03-10T00:00:00.000Z'], // a Sunday
    ['month', '2025-12-31T23:00:00Z', '2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  ] as const)('%s of %s starts at %s, the next at %s', (unit, instant, start, next) => {
    expect(startOf(unit, at(instant)).toISOString()).toBe(start);
    expect(nextStart(unit, startOf(unit, at(instant))).toISOString()).toBe(next);
  });
});

describe('splitWindow', () => {
  it('answers an unbounded window from the rollups alone', () => {
    expect(splitWindow({ from: null, to: null }, 'hour')).toEqual({ rollup: { from: null, to: null }, edges: [] });
  });

  it('answers an aligned window from the rollups alone', () => {
    const window = { from: at('2025-03-05T10:00:00Z'), to: at('2025-03-05T12:00:00Z') };
    expect(splitWindow(window, 'hour')).toEqual({ rollup: window, edges: [] });
  });

  it('takes the partial hours at both edges from the source', () => {
    expect(splitWindow({ from: at('2025-03-05T10:30:00Z'), to: at('2025-03-05T13:15:00Z') }, 'hour')).toEqual({
      rollup: { from: at('2025-03-05T11:00:00Z'), to: at('2025-03-05T13:00:00Z') },
      edges: [
        { from: at('2025-03-05T10:30:00Z'), to: at('2025-03-05T11:00:00Z') },
        { from: at('2025-03-05T13:00:00Z'), to: at('2025-03-05T13:15:00Z') },
      ],
    });
  });

  it('takes a window inside one unit wholly from the source, and an empty window from nowhere', () => {
    const inside = { from: at('2025-03-05T10:10:00Z'), to: at('2025-03-05T10:50:00Z') };
    expect(splitWindow(inside, 'day')).toEqual({ rollup: null, edges: [inside] });
    expect(splitWindow({ from: inside.to, to: inside.from }, 'day')).toEqual({ rollup: null, edges: [] });
  });

  it('covers every instant of the window exactly once (rollup and edges do not overlap)', () => {
    const instant = fc.date({ min: at('2024-01-01T00:00:00Z'), max: at('2026-01-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(fc.option(instant), fc.option(instant), instant, fc.constantFrom<'hour' | 'day'>('hour', 'day'), (from, to, probe, unit) => {
        const { rollup, edges } = splitWindow({ from, to }, unit);
        const inWindow = (!from || probe >= from) && (!to || probe < to);
        const inRollup = rollup !== null && (!rollup.from || probe >= rollup.from) && (!rollup.to || probe < rollup.to);
        const inEdges = edges.filter((edge) => probe >= edge.from && probe < edge.to).length;
        expect(Number(inRollup) + inEdges).toBe(inWindow ? 1 : 0);
        if (rollup?.from) expect(startOf(unit, rollup.from)).toEqual(rollup.from);
        if (rollup?.to) expect(startOf(unit, rollup.to)).toEqual(rollup.to);
      }),
    );
  });
});

describe('bucketStarts and bucketCount', () => {
  it('lists every bucket meeting the window, the first one started before it', () => {
    expect(bucketStarts('day', { from: at('2025-03-05T10:30:00Z'), to: at('2025-03-07T00:00:00Z') }).map((d) => d.toISOString())).toEqual([
      '2025-03-05T00:00:00.000Z',
      '2025-03-06T00:00:00.000Z',
    ]);
    expect(bucketStarts('month', { from: at('2025-11-15T00:00:00Z'), to: at('2026-01-01T00:00:01Z') })).toHaveLength(3);
  });

  it('counts as many buckets as it lists', () => {
    const instant = fc.date({ min: at('2024-01-01T00:00:00Z'), max: at('2025-06-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 90 * 24 * 3600 * 1000 }), fc.constantFrom(...units), (from, span, unit) => {
        const window = { from, to: new Date(from.getTime() + span) };
        expect(bucketCount(unit, window)).toBe(bucketStarts(unit, window).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ratio', () => {
  it('is 0 of nothing', () => {
    expect(ratio(0, 0)).toBe(0);
    expect(ratio(1, 4)).toBe(0.25);
  });
});
