import {
  CAMPAIGN_PERMISSIONS,
  CAMPAIGN_ROLES,
  campaignPermission,
  campaignRole,
  permissionRefusal,
  type CampaignPermission,
  type CampaignRole,
} from './campaign-permissions';

// The table, written out: EDITOR edits and posts updates, UPDATES posts updates, all
// three see pledges and figures; no collaborator launches, cancels, publishes the prelaunch
// page or manages collaborators. The code must agree with it for every (relation, permission).
type Relation = CampaignRole | 'ADMIN' | 'NOBODY';
const ALLOWED: Record<Relation, CampaignPermission[]> = {
  CREATOR: [...CAMPAIGN_PERMISSIONS],
  EDITOR: ['seeDraft', 'seePledges', 'seeSecretTiers', 'seeSecretToken', 'seeCollaborators', 'edit', 'postUpdate'],
  UPDATES: ['seeDraft', 'seePledges', 'seeSecretTiers', 'seeCollaborators', 'postUpdate'],
  VIEWER: ['seeDraft', 'seePledges', 'seeSecretTiers', 'seeCollaborators'],
  ADMIN: ['seeDraft', 'seePledges', 'seeSecretTiers', 'seeCollaborators'],
  NOBODY: [],
};

const relationOf = (relation: Relation) =>
  relation === 'ADMIN' ? { role: null, admin: true } : relation === 'NOBODY' ? { role: null, admin: false } : { role: relation, admin: false };

describe('campaign permissions', () => {
  const relations = Object.keys(ALLOWED) as Relation[];
  const pairs = relations.flatMap((relation) => CAMPAIGN_PERMISSIONS.map((permission) => [relation, permission] as const));

  it('covers every (relation, permission) pair: 6 relations x 11 permissions', () => {
    expect(relations).toEqual([...CAMPAIGN_ROLES, 'ADMIN', 'NOBODY']);
    expect(pairs).toHaveLength(66);
  });

  it.each(pairs)('%s may %s as the table says', (relation, permission) => {
    expect(campaignPermission(relationOf(relation), permission)).toBe(ALLOWED[relation].includes(permission));
  });

  it('gives an admin who is also a collaborator the union of both', () => {
    for (const permission of CAMPAIGN_PERMISSIONS) {
      expect(campaignPermission({ role: 'VIEWER', admin: true }, permission)).toBe(
        ALLOWED.VIEWER.includes(permission) || ALLOWED.ADMIN.includes(permission),
      );
    }
    expect(campaignPermission({ role: 'EDITOR', admin: true }, 'edit')).toBe(true);
    expect(campaignPermission({ role: null, admin: true }, 'edit')).toBe(false);
  });

  it('lets no collaborator launch, cancel, publish the prelaunch page or manage collaborators', () => {
    for (const role of ['EDITOR', 'UPDATES', 'VIEWER'] as const) {
      for (const permission of ['launch', 'cancel', 'publishPrelaunch', 'manageCollaborators'] as const) {
        expect(campaignPermission({ role, admin: false }, permission)).toBe(false);
      }
    }
  });

  it.each(CAMPAIGN_PERMISSIONS)('refuses %s with a message saying who may', (permission) => {
    expect(permissionRefusal(permission)).toMatch(/^Only the campaign's creator/);
  });

  it('names the creator CREATOR whatever the collaborator rows say, and nobody without a viewer', () => {
    const campaign = { creatorId: 'prf_creator' };
    expect(campaignRole('prf_creator', campaign, null)).toBe('CREATOR');
    expect(campaignRole('prf_creator', campaign, 'VIEWER')).toBe('CREATOR');
    expect(campaignRole('prf_other', campaign, 'UPDATES')).toBe('UPDATES');
    expect(campaignRole('prf_other', campaign, null)).toBeNull();
    expect(campaignRole(null, campaign, 'EDITOR')).toBeNull();
    expect(campaignRole(undefined, campaign, null)).toBeNull();
  });
});
