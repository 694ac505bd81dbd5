import { analyticsDatabase } from '@foule/analytics';
import { communityDatabase } from '@foule/community';
import { contestDatabase } from '@foule/contest';
import { filesDatabase } from '@foule/files';
import { fundingDatabase } from '@foule/funding';
import { paymentsDatabase } from '@foule/payments';
import type { DatabasePart } from '@foule/shared';

/** Every module's entities and migrations, in one list for the data source and the tooling. */
export const DATABASE_PARTS: DatabasePart[] = [communityDatabase, paymentsDatabase, fundingDatabase, filesDatabase, contestDatabase, analyticsDatabase];
