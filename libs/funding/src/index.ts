/** @foule/funding: campaigns, reward tiers, stretch goals, pledges, updates, settlement at the deadline. */
import type { DatabasePart } from '@foule/shared';
import { CampaignEntity, CampaignUpdateEntity, RewardTierEntity, StretchGoalEntity } from './campaigns/campaign.entities';
import { PledgeEntity } from './pledges/pledge.entity';
import { FundingInit1795721193914 } from './migrations/1795721193914-FundingInit';

export { FundingModule } from './funding.module';
export { FundingFacade, type CampaignSummary } from './funding.facade';
export type { FundingEvent, FundingEventListener } from './funding-events';
export { CampaignModel, PledgeModel } from './funding.models';

export const fundingDatabase: DatabasePart = {
  entities: [CampaignEntity, RewardTierEntity, StretchGoalEntity, CampaignUpdateEntity, PledgeEntity],
  migrations: [FundingInit1795721193914],
};
