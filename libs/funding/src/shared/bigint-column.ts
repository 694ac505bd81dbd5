import type { ValueTransformer } from 'typeorm';

/**
 * Money columns are `bigint` minor units; pg returns them as strings. This maps them to JS
 * numbers, refusing any value past the safe integers rather than rounding it silently.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null || value === undefined) return value;
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} does not fit a safe integer`);
    return parsed;
  },
};
