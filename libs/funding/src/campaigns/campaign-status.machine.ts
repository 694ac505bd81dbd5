/**
 * The campaign's life (ARCHITECTURE.md, "State machines"):
 *   DRAFT -launch-> LIVE -deadline, goal met (or FLEXIBLE with money collected)-> SUCCESSFUL
 *   LIVE -deadline, goal missed-> FAILED;  DRAFT|LIVE -cancel-> CANCELED.
 * Plus what the creator may do to a campaign in each state. Pure and Nest-free.
 */
import { allow, refuse, type Transition } from '../shared/transition';

export const CAMPAIGN_STATUSES = ['DRAFT', 'LIVE', 'SUCCESSFUL', 'FAILED', 'CANCELED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_EVENTS = ['launch', 'succeed', 'fail', 'cancel'] as const;
/** `succeed` and `fail` are the deadline's two outcomes (see settlementOutcome). */
export type CampaignEvent = (typeof CAMPAIGN_EVENTS)[number];

const ENDED: readonly CampaignStatus[] = ['SUCCESSFUL', 'FAILED', 'CANCELED'];

function why(status: CampaignStatus): string {
  switch (status) {
    case 'DRAFT':
      return 'it has not been launched';
    case 'LIVE':
      return 'it is live';
    case 'SUCCESSFUL':
      return 'it already ended successfully';
    case 'FAILED':
      return 'it already ended without reaching its goal';
    case 'CANCELED':
      return 'it was canceled';
  }
}

export function campaignTransition(status: CampaignStatus, event: CampaignEvent): Transition<CampaignStatus> {
  const refused = (advice: string) => refuse<CampaignStatus>(`Cannot ${event} a ${status} campaign: ${why(status)}; ${advice}`);
  switch (event) {
    case 'launch':
      if (status === 'DRAFT') return allow('LIVE');
      return refused('only a DRAFT campaign can be launched');
    case 'succeed':
    case 'fail':
      // Only the deadline ends a campaign, and only a live one.
      if (status === 'LIVE') return allow(event === 'succeed' ? 'SUCCESSFUL' : 'FAILED');
      return refused('only a LIVE campaign ends at its deadline');
    case 'cancel':
      if (status === 'DRAFT' || status === 'LIVE') return allow('CANCELED');
      return refused('a campaign that has ended cannot be canceled');
  }
}

/** Changes that are not transitions but depend on the state. */
export const CAMPAIGN_ACTIONS = ['editStory', 'editFundingTerms', 'editTiers', 'addStretchGoal', 'postUpdate', 'publishPrelaunch'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

const ACTION_NAMES: Record<CampaignAction, string> = {
  editStory: 'edit the title, blurb, description or category of',
  editFundingTerms: 'change the goal or deadline of',
  editTiers: 'change the reward tiers of',
  addStretchGoal: 'add a stretch goal to',
  postUpdate: 'post an update on',
  publishPrelaunch: 'publish the prelaunch page of',
};

export function campaignAllows(status: CampaignStatus, action: CampaignAction): Transition<CampaignStatus> {
  const refused = (advice: string) => refuse<CampaignStatus>(`Cannot ${ACTION_NAMES[action]} a ${status} campaign: ${why(status)}; ${advice}`);
  switch (action) {
    case 'editStory':
    case 'editTiers':
    case 'addStretchGoal':
      if (status === 'DRAFT' || status === 'LIVE') return allow(status);
      return refused('only DRAFT and LIVE campaigns can be edited');
    case 'editFundingTerms':
      // Backers pledged against a goal and a deadline: they are fixed at launch.
      if (status === 'DRAFT') return allow(status);
      return refused('the goal and deadline are fixed once a campaign is launched');
    case 'publishPrelaunch':
      // A prelaunch page is what a campaign shows before it launches; after, the campaign itself is public.
      if (status === 'DRAFT') return allow(status);
      return refused('only a DRAFT campaign has a prelaunch page');
    case 'postUpdate':
      if (!ENDED.includes(status) && status !== 'LIVE') return refused('launch it first: updates are for backers of a launched campaign');
      return allow(status);
  }
}
