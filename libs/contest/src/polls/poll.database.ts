/** The polls part's tables, for contestDatabase in index.ts. */
import { PollEntity, PollOptionEntity, PollVoteEntity } from './poll.entities';

export const POLL_ENTITIES = [PollEntity, PollOptionEntity, PollVoteEntity];
