/**
 * @foule/analytics: read-only aggregates for analysts: the `analytics` schema (views over the
 * module schemas, rollups kept by triggers, the foule_analyst role), the analytics GraphQL
 * fields and the accountants' CSV exports.
 */
import type { DatabasePart } from '@foule/shared';
import { AnalyticsInit1796200000000 } from './migrations/1796200000000-AnalyticsInit';
import { AnalyticsAtVolume1796210000000 } from './migrations/1796210000000-AnalyticsAtVolume';
import { MovementPledges1796220000000 } from './migrations/1796220000000-MovementPledges';

export { AnalyticsModule } from './analytics.module';
/** For the volume seed, which loads with triggers off and then builds the rollups once. */
export { BACKFILL_PROFILE_ACTIVITY } from './migrations/1796210000000-AnalyticsAtVolume';
export { BACKFILL_MOVEMENTS_WITH_PLEDGES } from './migrations/1796220000000-MovementPledges';

/** No entities: the schema is views, trigger-kept rollups and grants, which TypeORM does not model. */
export const analyticsDatabase: DatabasePart = {
  entities: [],
  migrations: [AnalyticsInit1796200000000, AnalyticsAtVolume1796210000000, MovementPledges1796220000000],
};
