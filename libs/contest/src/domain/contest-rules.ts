/**
 * The rules of a contest's shape and of its outcomes, as pure functions over plain values:
 * prize and round bounds, provider keys, which entries become finalists when the window ends,
 * and how a prize is split. The services feed them what they read. Pure and Nest-free.
 */

export interface FieldProblem {
  path: string;
  message: string;
}

/** The longest round a holder may ask for (a qualifying or final round). */
export const CONTEST_MAX_ROUND_SECONDS = 30 * 86_400;
/** A prize is at least this many whole units of its currency (100.00 EUR, 100 JPY). */
export const CONTEST_MIN_PRIZE_MAJOR_UNITS = 100;
export const MAX_FINALISTS_LIMIT = 10;

export interface ContestShape {
  prizeAmount: number;
  maxFinalists: number;
  qualifyingRoundSeconds: number;
  finalRoundSeconds: number;
}

export interface ContestBounds {
  /** One whole unit of the prize's currency, in minor units. */
  oneMajorUnit: number;
  /** The largest single charge, in minor units: prize plus fee must fit. */
  maxCharge: number;
  feeBps: number;
  minRoundSeconds: number;
}

export function contestShapeProblems(shape: ContestShape, bounds: ContestBounds): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const minimum = CONTEST_MIN_PRIZE_MAJOR_UNITS * bounds.oneMajorUnit;
  if (!Number.isSafeInteger(shape.prizeAmount) || shape.prizeAmount < minimum) {
    problems.push({ path: 'prize.amount', message: `must be at least ${minimum} minor units (${CONTEST_MIN_PRIZE_MAJOR_UNITS} whole units of the currency)` });
  } else if (shape.prizeAmount + Math.ceil((shape.prizeAmount * bounds.feeBps) / 10_000) > bounds.maxCharge) {
    problems.push({ path: 'prize.amount', message: `with the contest fee it must stay within ${bounds.maxCharge} minor units, the largest single charge` });
  }
  if (!Number.isSafeInteger(shape.maxFinalists) || shape.maxFinalists < 1 || shape.maxFinalists > MAX_FINALISTS_LIMIT) {
    problems.push({ path: 'maxFinalists', message: `must be 1 to ${MAX_FINALISTS_LIMIT}` });
  }
  for (const [path, seconds] of [
    ['qualifyingRoundSeconds', shape.qualifyingRoundSeconds],
    ['finalRoundSeconds', shape.finalRoundSeconds],
  ] as const) {
    if (!Number.isSafeInteger(seconds) || seconds < bounds.minRoundSeconds || seconds > CONTEST_MAX_ROUND_SECONDS) {
      problems.push({ path, message: `must be ${bounds.minRoundSeconds} to ${CONTEST_MAX_ROUND_SECONDS} seconds` });
    }
  }
  return problems;
}

/** The most a contest's winner may earn of the linked campaign, in basis points. */
export const MAX_WINNER_ROYALTY_BPS = 3000;

/** winnerRoyaltyBps: 0 to MAX_WINNER_ROYALTY_BPS, and more than 0 only for a contest linked to a campaign. */
export function royaltyProblems(bps: number, linked: boolean): FieldProblem[] {
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > MAX_WINNER_ROYALTY_BPS) {
    return [{ path: 'winnerRoyaltyBps', message: `must be 0 to ${MAX_WINNER_ROYALTY_BPS} basis points` }];
  }
  if (bps > 0 && !linked) return [{ path: 'winnerRoyaltyBps', message: 'a royalty is a share of a campaign: give the campaignId this contest designs for' }];
  return [];
}

/** Provider keys derive from our ids: a crash between the provider's answer and our record replays the same key. */
export const contestKeys = {
  /** The n-th attempt to charge the prize and fee (attempt = declined attempts + 1). */
  openCharge: (contestId: string, declinedAttempts: number) => `contest:${contestId}:open:charge:${declinedAttempts + 1}`,
  refund: (contestId: string) => `contest:${contestId}:refund`,
  payout: (contestId: string, designerId: string) => `contest:${contestId}:payout:${designerId}`,
};

export interface FinalistCandidate {
  id: string;
  /** 1, 2, 3... within the contest: lower is earlier. */
  number: number;
  rating: number | null;
}

/** When the finalist window ends on a guaranteed contest: the top-rated entries, unrated last, ties to the earliest. */
export function topRatedFinalists<T extends FinalistCandidate>(candidates: readonly T[], maxFinalists: number): T[] {
  return [...candidates].sort((a, b) => (b.rating ?? 0) - (a.rating ?? 0) || a.number - b.number).slice(0, maxFinalists);
}

export interface FinalistEntry {
  designerId: string;
  number: number;
}

/**
 * A guaranteed prize nobody picked a winner for: split evenly among the finalists' designers
 * (a designer with two finalist entries gets one share), the leftover minor units to the
 * designers of the earliest entries first.
 */
export function prizeSplit(prize: number, finalists: readonly FinalistEntry[]): { designerId: string; amount: number }[] {
  if (!Number.isSafeInteger(prize) || prize < 0) throw new RangeError(`prize must be a non-negative safe integer, got ${prize}`);
  const designers: string[] = [];
  for (const entry of [...finalists].sort((a, b) => a.number - b.number)) if (!designers.includes(entry.designerId)) designers.push(entry.designerId);
  if (designers.length === 0) return [];
  const base = Math.floor(prize / designers.length);
  const extra = prize - base * designers.length;
  return designers.map((designerId, index) => ({ designerId, amount: base + (index < extra ? 1 : 0) }));
}

/** Trimmed and lower-cased, for filtering by category. */
export const categoryKey = (category: string) => category.trim().toLowerCase();

/** Two perceptual hashes this close (Hamming distance, of 64 bits) are taken for the same picture. */
export const SIMILARITY_MAX_DISTANCE = 10;
