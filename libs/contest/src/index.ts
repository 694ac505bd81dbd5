/** @foule/contest: design contests: rounds, entries with revisions, ratings, originality check, winner, handover and prize. */
import type { DatabasePart } from '@foule/shared';
import { ContestEntity } from './domain/contest.entity';
import { EntryEntity, EntryRevisionEntity, EntrySimilarityEntity, PrizeAwardEntity } from './domain/entry.entities';
import { ContestInit1796116828762 } from './migrations/1796116828762-ContestInit';
import { ContestCampaignLink1796127384574 } from './migrations/1796127384574-ContestCampaignLink';
import { ContestPolls1796129257222 } from './migrations/1796129257222-ContestPolls';
import { POLL_ENTITIES } from './polls/poll.database';
import { LinkedContestMoney1796129342765 } from './migrations/1796129342765-LinkedContestMoney';

export { ContestModule } from './contest.module';
export { ContestFacade } from './contest.facade';
export { ContestModel, EntryModel } from './contest.models';

export const contestDatabase: DatabasePart = {
  entities: [ContestEntity, EntryEntity, EntryRevisionEntity, EntrySimilarityEntity, PrizeAwardEntity, ...POLL_ENTITIES],
  migrations: [ContestInit1796116828762, ContestCampaignLink1796127384574, ContestPolls1796129257222, LinkedContestMoney1796129342765],
};
