/**
 * Time windows and buckets, in UTC. The rollups hold whole hours (and days); a window that does
 * not start and end on their boundaries is answered from the rollups for the whole units inside
 * it and from the source rows for the partial units at its edges, so every figure is exact for
 * the window asked, whatever its bounds.
 *
 * Pure and Nest-free.
 */

export type TimeUnit = 'hour' | 'day' | 'week' | 'month';

/** A half-open window [from, to); null: unbounded on that side. */
export interface TimeWindow {
  from: Date | null;
  to: Date | null;
}

export interface BoundedWindow {
  from: Date;
  to: Date;
}

/** The part of a window answered from rollups of `unit`, and the edges answered from the source rows. */
export interface SplitWindow {
  rollup: TimeWindow | null;
  edges: BoundedWindow[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The start of the unit holding `at` (weeks start on Monday, ISO 8601). */
export function startOf(unit: TimeUnit, at: Date): Date {
  const t = at.getTime();
  switch (unit) {
    case 'hour':
      return new Date(Math.floor(t / HOUR) * HOUR);
    case 'day':
      return new Date(Math.floor(t / DAY) * DAY);
    case 'week': {
      const day = startOf('day', at);
      const sinceMonday = (day.getUTCDay() + 6) % 7;
      return new Date(day.getTime() - sinceMonday * DAY);
    }
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  }
}

/** The start of the next unit after the one starting at `start`. */
export function nextStart(unit: TimeUnit, start: Date): Date {
  switch (unit) {
    case 'hour':
      return new Date(start.getTime() + HOUR);
    case 'day':
      return new Date(start.getTime() + DAY);
    case 'week':
      return new Date(start.getTime() + 7 * DAY);
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  }
}

function ceilTo(unit: TimeUnit, at: Date): Date {
  const start = startOf(unit, at);
  return start.getTime() === at.getTime() ? start : nextStart(unit, start);
}

/** Splits a window into whole `unit`s (rollups) and the partial units at its edges (source rows). */
export function splitWindow(window: TimeWindow, unit: 'hour' | 'day'): SplitWindow {
  const { from, to } = window;
  if (from && to && from.getTime() >= to.getTime()) return { rollup: null, edges: [] };
  const inner = { from: from ? ceilTo(unit, from) : null, to: to ? startOf(unit, to) : null };
  if (inner.from && inner.to && inner.from.getTime() >= inner.to.getTime()) {
    return { rollup: null, edges: [{ from: from!, to: to! }] };
  }
  const edges: BoundedWindow[] = [];
  if (from && inner.from && inner.from.getTime() > from.getTime()) edges.push({ from, to: inner.from });
  if (to && inner.to && inner.to.getTime() < to.getTime()) edges.push({ from: inner.to, to });
  return { rollup: inner, edges };
}

/** The starts of the buckets that meet [from, to), oldest first. */
export function bucketStarts(unit: TimeUnit, window: BoundedWindow): Date[] {
  const starts: Date[] = [];
  for (let start = startOf(unit, window.from); start.getTime() < window.to.getTime(); start = nextStart(unit, start)) starts.push(start);
  return starts;
}

/** How many buckets [from, to) spans, without listing them (for the limit check). */
export function bucketCount(unit: TimeUnit, window: BoundedWindow): number {
  if (window.to.getTime() <= window.from.getTime()) return 0;
  const first = startOf(unit, window.from);
  const last = startOf(unit, new Date(window.to.getTime() - 1));
  switch (unit) {
    case 'hour':
      return (last.getTime() - first.getTime()) / HOUR + 1;
    case 'day':
      return (last.getTime() - first.getTime()) / DAY + 1;
    case 'week':
      return (last.getTime() - first.getTime()) / (7 * DAY) + 1;
    case 'month':
      return (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  }
}

/** part / whole, 0 when whole is 0 (no campaign ended: no success rate to speak of). */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
