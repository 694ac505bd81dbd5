/**
 * Who may do what to a campaign: the one table every "the creator only" rule of funding reads
 * (issue 11, part 6). A viewer's relation to a campaign is its role (the creator, or a
 * collaborator's role) and whether it is an admin; admins read what the team reads and change
 * nothing. Pure and Nest-free; campaign-permissions.spec.ts writes the whole table out.
 *
 * Refunds are not in the table: they are an admin's (refundPledge), for every campaign. Nor
 * are payouts: they go to the creator's own payout account, which no campaign role reaches.
 */
export const COLLABORATOR_ROLES = ['EDITOR', 'UPDATES', 'VIEWER'] as const;
export type CollaboratorRole = (typeof COLLABORATOR_ROLES)[number];

export const CAMPAIGN_ROLES = ['CREATOR', ...COLLABORATOR_ROLES] as const;
export type CampaignRole = (typeof CAMPAIGN_ROLES)[number];

export const CAMPAIGN_PERMISSIONS = [
  /** See the campaign while it is an unpublished DRAFT. */
  'seeDraft',
  /** The campaign's pledges, its backers-only updates and its figures. */
  'seePledges',
  /** List and pledge its secret tiers without the link. */
  'seeSecretTiers',
  /** Read secretRewardToken, the link's token. */
  'seeSecretToken',
  /** Read Campaign.collaborators. */
  'seeCollaborators',
  /** updateCampaign, and the reward tiers, add-ons and stretch goals. */
  'edit',
  'postUpdate',
  'launch',
  'cancel',
  'publishPrelaunch',
  /** addCollaborator, removeCollaborator. */
  'manageCollaborators',
] as const;
export type CampaignPermission = (typeof CAMPAIGN_PERMISSIONS)[number];

const TEAM: readonly CampaignRole[] = CAMPAIGN_ROLES;

const ROLES_ALLOWED: Record<CampaignPermission, readonly CampaignRole[]> = {
  seeDraft: TEAM,
  seePledges: TEAM,
  seeSecretTiers: TEAM,
  seeSecretToken: ['CREATOR', 'EDITOR'],
  seeCollaborators: TEAM,
  edit: ['CREATOR', 'EDITOR'],
  postUpdate: ['CREATOR', 'EDITOR', 'UPDATES'],
  launch: ['CREATOR'],
  cancel: ['CREATOR'],
  publishPrelaunch: ['CREATOR'],
  manageCollaborators: ['CREATOR'],
};

/** What admins may do to any campaign: read what its team reads (never the token, which is the creator's to share). */
const ADMIN_ALLOWED: readonly CampaignPermission[] = ['seeDraft', 'seePledges', 'seeSecretTiers', 'seeCollaborators'];

export interface CampaignRelation {
  /** null: neither the creator nor a collaborator. */
  role: CampaignRole | null;
  admin: boolean;
}

export function campaignPermission(relation: CampaignRelation, permission: CampaignPermission): boolean {
  return (relation.role !== null && ROLES_ALLOWED[permission].includes(relation.role)) || (relation.admin && ADMIN_ALLOWED.includes(permission));
}

const REFUSALS: Record<CampaignPermission, string> = {
  seeDraft: "Only the campaign's creator and collaborators see it before it is launched",
  seePledges: "Only the campaign's creator, its collaborators and admins see its pledges",
  seeSecretTiers: "Only the campaign's creator, its collaborators and admins see its secret tiers",
  seeSecretToken: "Only the campaign's creator and EDITOR collaborators see its secret rewards token",
  seeCollaborators: "Only the campaign's creator, its collaborators and admins see its collaborators",
  edit: "Only the campaign's creator and its EDITOR collaborators can change it",
  postUpdate: "Only the campaign's creator and its EDITOR and UPDATES collaborators can post updates",
  launch: "Only the campaign's creator can launch it",
  cancel: "Only the campaign's creator can cancel it",
  publishPrelaunch: "Only the campaign's creator can publish its prelaunch page",
  manageCollaborators: "Only the campaign's creator can add or remove collaborators",
};

/** The FORBIDDEN message for a refused permission: who may. */
export function permissionRefusal(permission: CampaignPermission): string {
  return REFUSALS[permission];
}

/** The viewer's role on a campaign, from the creator id and the viewer's collaborator row (if any). */
export function campaignRole(
  viewerId: string | null | undefined,
  campaign: { creatorId: string },
  collaboratorRole: CollaboratorRole | null,
): CampaignRole | null {
  if (!viewerId) return null;
  if (viewerId === campaign.creatorId) return 'CREATOR';
  return collaboratorRole;
}
