/**
 * The rules of a campaign's shape, as pure functions over plain values: deadlines, goals,
 * currencies, reward tiers, stretch goals, slugs, and what the deadline decides. The services
 * feed them what they read and turn their answers into DomainErrors. Pure and Nest-free.
 */
import type { FieldProblem } from '../shared/field-problem';

export type FundingModel = 'ALL_OR_NOTHING' | 'FLEXIBLE';

/** A deadline is between the configured shortest and longest campaign from `now`. */
export function deadlineProblem(
  deadline: Date,
  now: Date,
  bounds: { minSeconds: number; maxSeconds: number },
  path = 'deadline',
): FieldProblem | null {
  const seconds = (deadline.getTime() - now.getTime()) / 1000;
  if (!Number.isFinite(seconds)) return { path, message: 'must be a date-time' };
  if (seconds < bounds.minSeconds) {
    return {
      path,
      message: `must be at least ${describeSeconds(bounds.minSeconds)} from now (the shortest campaign); choose a later deadline`,
    };
  }
  if (seconds > bounds.maxSeconds) {
    return {
      path,
      message: `must be at most ${describeSeconds(bounds.maxSeconds)} from now (the longest campaign); choose an earlier deadline`,
    };
  }
  return null;
}

export function describeSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

export function goalProblem(amount: number, path = 'goal.amount'): FieldProblem | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) return { path, message: 'must be a positive whole number of minor units (cents): a goal above 0' };
  return null;
}

export interface MoneyLimits {
  /** The smallest pledge without a tier: one whole unit of the currency (1.00 EUR, 1 JPY). */
  oneMajorUnit: number;
  /** The largest single charge the provider accepts. */
  maxCharge: number;
}

export interface TierShape {
  minimum: number;
  limit: number | null | undefined;
}

/** What holds a tier's terms in place once backers chose it. */
export interface TierCommitments {
  /** Units taken by live pledges. */
  claimed: number;
  /** The smallest live pledge on the tier, or null without one. */
  lowestPledge: number | null;
}

export function tierProblems(tier: TierShape, limits: MoneyLimits, commitments?: TierCommitments): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isSafeInteger(tier.minimum) || tier.minimum < limits.oneMajorUnit) {
    problems.push({ path: 'minimum', message: `must be at least ${limits.oneMajorUnit} minor units (one whole unit of the campaign's currency)` });
  } else if (tier.minimum > limits.maxCharge) {
    problems.push({ path: 'minimum', message: `must be at most ${limits.maxCharge} minor units, the largest single charge` });
  } else if (commitments?.lowestPledge !== null && commitments?.lowestPledge !== undefined && tier.minimum > commitments.lowestPledge) {
    problems.push({
      path: 'minimum',
      message: `a backer pledged ${commitments.lowestPledge} minor units on this tier: the minimum cannot rise above it once pledged; add a new tier instead`,
    });
  }
  if (tier.limit !== null && tier.limit !== undefined) {
    if (!Number.isSafeInteger(tier.limit) || tier.limit < 1) {
      problems.push({ path: 'limit', message: 'must be 1 or more, or null for an unlimited tier' });
    } else if (commitments && tier.limit < commitments.claimed) {
      problems.push({
        path: 'limit',
        message: `${commitments.claimed} backers already chose this tier: the limit cannot go below ${commitments.claimed}`,
      });
    }
  }
  return problems;
}

export function stretchGoalProblems(target: number, goal: number): FieldProblem[] {
  if (!Number.isSafeInteger(target) || target <= 0) return [{ path: 'target', message: 'must be a positive whole number of minor units' }];
  if (target <= goal) return [{ path: 'target', message: `must be above the campaign's goal (${goal} minor units): a stretch goal lies beyond it` }];
  return [];
}

/**
 * A pledge's amount: at least the tier's minimum, at least one whole unit of the currency,
 * at most one charge.
 */
export function pledgeAmountProblems(
  amount: number,
  tierMinimum: number | null,
  limits: MoneyLimits,
  path = 'amount',
  addOnsTotal = 0,
): FieldProblem[] {
  if (!Number.isSafeInteger(amount) || amount <= 0) return [{ path, message: 'must be a positive whole number of minor units (cents)' }];
  if (amount > limits.maxCharge) return [{ path, message: `must be at most ${limits.maxCharge} minor units, the largest single charge` }];
  if (addOnsTotal > 0 && amount < (tierMinimum ?? 0) + addOnsTotal) {
    const required = (tierMinimum ?? 0) + addOnsTotal;
    const tierPart = tierMinimum === null ? '' : `the tier's minimum of ${tierMinimum} plus `;
    return [
      {
        path,
        message: `must cover ${tierPart}${addOnsTotal} for the add-ons, ${required} minor units: it falls short by ${required - amount}; pledge more or take fewer add-ons`,
      },
    ];
  }
  if (tierMinimum !== null && amount < tierMinimum) {
    return [{ path, message: `must be at least the tier's minimum of ${tierMinimum} minor units; pledge more or choose another tier` }];
  }
  if (amount < limits.oneMajorUnit) {
    return [{ path, message: `must be at least ${limits.oneMajorUnit} minor units (one whole unit of the campaign's currency)` }];
  }
  return [];
}

/** The most units of one add-on a creator may allow per pledge. */
export const MAX_ADD_ON_UNITS_PER_PLEDGE = 100;

export interface AddOnShape {
  price: number;
  limit?: number | null;
  maxPerPledge: number;
}

/** An add-on's terms; `claimed` (units held by live pledges) once it was pledged. */
export function addOnProblems(addOn: AddOnShape, limits: MoneyLimits, claimed = 0): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isSafeInteger(addOn.price) || addOn.price <= 0) {
    problems.push({ path: 'price', message: 'must be a positive whole number of minor units (cents)' });
  } else if (addOn.price > limits.maxCharge) {
    problems.push({ path: 'price', message: `must be at most ${limits.maxCharge} minor units, the largest single charge` });
  }
  if (addOn.limit !== null && addOn.limit !== undefined) {
    if (!Number.isSafeInteger(addOn.limit) || addOn.limit < 1) {
      problems.push({ path: 'limit', message: 'must be 1 or more, or null for an unlimited add-on' });
    } else if (addOn.limit < claimed) {
      problems.push({ path: 'limit', message: `backers already hold ${claimed} units: the limit cannot go below ${claimed}` });
    }
  }
  if (!Number.isSafeInteger(addOn.maxPerPledge) || addOn.maxPerPledge < 1 || addOn.maxPerPledge > MAX_ADD_ON_UNITS_PER_PLEDGE) {
    problems.push({ path: 'maxPerPledge', message: `must be between 1 and ${MAX_ADD_ON_UNITS_PER_PLEDGE}` });
  }
  return problems;
}

export interface PledgeAddOnLine {
  addOnId: string;
  quantity: number;
}

/** What a pledge line needs to know of the add-on it names. */
export interface OfferedAddOn {
  id: string;
  price: number;
  maxPerPledge: number;
  tierIds: readonly string[];
}

/**
 * A pledge's add-on lines against what the campaign offers (`offered`: its add-ons, removed
 * ones left out): each named once, offered with the pledge's tier, 1 to maxPerPledge units.
 * Returns the problems (paths `addOns.<i>.addOnId` / `.quantity`) and the lines' total price.
 */
export function pledgeAddOnProblems(
  lines: readonly PledgeAddOnLine[],
  offered: ReadonlyMap<string, OfferedAddOn>,
  tierId: string | null,
): { problems: FieldProblem[]; total: number } {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  let total = 0;
  lines.forEach((line, index) => {
    const addOn = offered.get(line.addOnId);
    const path = `addOns.${index}`;
    if (!addOn) {
      problems.push({ path: `${path}.addOnId`, message: 'is not an add-on of this campaign; pick one of its addOns' });
      return;
    }
    if (seen.has(line.addOnId)) {
      problems.push({ path: `${path}.addOnId`, message: 'is listed twice: give each add-on once, with its quantity' });
      return;
    }
    seen.add(line.addOnId);
    if (addOn.tierIds.length > 0 && (tierId === null || !addOn.tierIds.includes(tierId))) {
      problems.push({ path: `${path}.addOnId`, message: "is not offered with this pledge's reward tier; see the add-on's tierIds" });
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > addOn.maxPerPledge) {
      problems.push({ path: `${path}.quantity`, message: `must be between 1 and ${addOn.maxPerPledge} (the add-on's maxPerPledge)` });
      return;
    }
    total += addOn.price * line.quantity;
  });
  return { problems, total };
}

export interface CampaignTotals {
  /** Over the live pledges (LIVE_PLEDGE_STATUSES). */
  pledged: number;
  /** Charged and not refunded. */
  collected: number;
  /** Of `pledged`, what is still waiting for the deadline's charge. */
  pending: number;
}

/**
 * What the deadline decides. ALL_OR_NOTHING: the goal is met by what is collected and what
 * is about to be charged (pending); failed payments do not count. FLEXIBLE: pledges were
 * charged when made, so the campaign succeeds if anything was collected.
 */
export function settlementOutcome(model: FundingModel, goal: number, totals: Pick<CampaignTotals, 'collected' | 'pending'>): 'succeed' | 'fail' {
  if (model === 'FLEXIBLE') return totals.collected > 0 ? 'succeed' : 'fail';
  return totals.collected + totals.pending >= goal ? 'succeed' : 'fail';
}

/** pledged / goal, in percent, rounded to 2 decimals. */
export function percentFunded(pledged: number, goal: number): number {
  if (goal <= 0) return 0;
  return Math.round((pledged * 10000) / goal) / 100;
}

export function stretchGoalReached(pledged: number, target: number): boolean {
  return pledged >= target;
}

/** Lower-case words joined by dashes, accents folded, at most 60 characters: "Lumière Lamp!" → "lumiere-lamp". */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'campaign';
}

/** The slug to try after a collision: the base with a short random suffix. */
export function slugWithSuffix(base: string, random: () => number = Math.random): string {
  const suffix = Math.floor(random() * 36 ** 5)
    .toString(36)
    .padStart(5, '0');
  return `${base.slice(0, 54)}-${suffix}`;
}

/** A category's key for filtering: trimmed and lower-cased ("Design " and "design" are one category). */
export function categoryKey(category: string): string {
  return category.trim().toLowerCase();
}
