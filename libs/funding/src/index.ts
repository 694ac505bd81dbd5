/** @foule/funding: campaigns, reward tiers, stretch goals, pledges, updates, settlement at the deadline. */
import type { DatabasePart } from '@foule/shared';
import {
  AddOnEntity,
  CampaignCollaboratorEntity,
  CampaignEntity,
  CampaignFollowerEntity,
  CampaignUpdateEntity,
  RewardTierEntity,
  SecretRewardRevealEntity,
  StretchGoalEntity,
} from './campaigns/campaign.entities';
import { PledgeAddOnEntity, PledgeEntity, PledgeIncrementEntity } from './pledges/pledge.entity';
import { FundingInit1795721193914 } from './migrations/1795721193914-FundingInit';
import { SecretRewards1796120627009 } from './migrations/1796120627009-SecretRewards';
import { AddOns1796120995538 } from './migrations/1796120995538-AddOns';
import { PrelaunchAndCollaborators1796127416098 } from './migrations/1796127416098-PrelaunchAndCollaborators';
import { PledgeOverTime1796127829417 } from './migrations/1796127829417-PledgeOverTime';
import { LinkedContests1796129285133 } from './migrations/1796129285133-LinkedContests';
import { PledgesCreatedAtIndex1796138611894 } from './migrations/1796138611894-PledgesCreatedAtIndex';
import { ContestFundingEntity, RoyaltyAgreementEntity } from './settlement/linked-contest.entities';

export { FundingModule } from './funding.module';
export { FundingFacade, type CampaignSummary } from './funding.facade';
export type { CampaignPermission, CollaboratorRole } from './campaigns/campaign-permissions';
export type { ContestFundingRequest, RoyaltyOutcomes } from './settlement/linked-contests.service';
export type { RoyaltyOutcome } from './settlement/payout-split';
export type { FundingEvent, FundingEventListener } from './funding-events';
export { CampaignModel, PledgeModel } from './funding.models';

export const fundingDatabase: DatabasePart = {
  entities: [
    CampaignEntity,
    RewardTierEntity,
    StretchGoalEntity,
    CampaignUpdateEntity,
    PledgeEntity,
    SecretRewardRevealEntity,
    AddOnEntity,
    PledgeAddOnEntity,
    CampaignFollowerEntity,
    CampaignCollaboratorEntity,
    PledgeIncrementEntity,
    ContestFundingEntity,
    RoyaltyAgreementEntity,
  ],
  migrations: [FundingInit1795721193914, SecretRewards1796120627009, AddOns1796120995538, PrelaunchAndCollaborators1796127416098, PledgeOverTime1796127829417, LinkedContests1796129285133, PledgesCreatedAtIndex1796138611894],
};
