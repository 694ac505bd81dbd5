/** A refused vote, said as a person wants it: on a BACKERS poll, FORBIDDEN means "not a backer". */
import type { ShownError } from './errors';

export function voteRefusal(error: ShownError | null, audience: string): ShownError | null {
  if (error?.code === 'FORBIDDEN' && audience === 'BACKERS') return { ...error, message: 'Only backers of the campaign can vote in this poll.' };
  return error;
}

/** Share of the votes, rounded, for the bar and its label ("0%" for a poll without votes). */
export const votePercent = (votes: number, total: number): number => (total === 0 ? 0 : Math.round((votes / total) * 100));
