/** The durable jobs of contests (pg-boss queues), each keyed by contest id. */

/** The contest's current deadline: the end of a round or of a selection window, or the handover's auto-approval. */
export const CONTEST_DEADLINE_QUEUE = 'contest.deadline';
/** The refund of a canceled contest's prize and fee through the provider. */
export const CONTEST_REFUND_QUEUE = 'contest.refund';

export interface ContestJob {
  contestId: string;
}
