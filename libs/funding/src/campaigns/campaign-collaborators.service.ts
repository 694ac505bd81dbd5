/**
 * A campaign's team (issue 11, part 6): the creator adds and removes collaborators, each with a
 * role; what each role may do is campaign-permissions.ts, read by every check of funding.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CommunityFacade } from '@foule/community';
import { DomainError, isUniqueViolation, type Viewer } from '@foule/shared';
import { FundingEvents } from '../funding-events';
import { CampaignGate } from './campaign-gate';
import type { CollaboratorRole } from './campaign-permissions';
import { CampaignQueries } from './campaign-queries.service';
import { CampaignCollaboratorEntity, type CampaignEntity } from './campaign.entities';

@Injectable()
export class CampaignCollaboratorService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queries: CampaignQueries,
    private readonly community: CommunityFacade,
    private readonly events: FundingEvents,
  ) {}

  /** The creator only; told to the collaborator (COLLABORATOR_ADDED) in the same transaction. */
  async add(viewer: Viewer, campaignId: string, profileId: string, role: CollaboratorRole): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      await this.queries.requirePermission(viewer, campaign, 'manageCollaborators', manager);
      if (profileId === campaign.creatorId) {
        throw DomainError.badField('profileId', "is the campaign's creator, who can already do everything a collaborator can");
      }
      if (!(await this.community.profileExists(profileId))) throw DomainError.notFound('Profile', profileId);
      const existing = await manager.getRepository(CampaignCollaboratorEntity).findOneBy({ campaignId: campaign.id, profileId });
      if (existing) throw this.alreadyCollaborator(existing.role);
      const addedAt = new Date();
      try {
        await manager.getRepository(CampaignCollaboratorEntity).insert({ campaignId: campaign.id, profileId, role, addedAt });
      } catch (error) {
        // Unreachable under the campaign's FOR UPDATE lock, kept as the database's answer.
        if (isUniqueViolation(error)) throw this.alreadyCollaborator(role);
        throw error;
      }
      await this.events.publish({ type: 'funding.collaborator.added', campaignId: campaign.id, profileId, role, addedAt }, manager);
      return campaign;
    });
  }

  async remove(viewer: Viewer, campaignId: string, profileId: string): Promise<CampaignEntity> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await CampaignGate.lock(manager, campaignId, 'update');
      await this.queries.requirePermission(viewer, campaign, 'manageCollaborators', manager);
      const removed = await manager.getRepository(CampaignCollaboratorEntity).delete({ campaignId: campaign.id, profileId });
      if (!removed.affected) throw DomainError.badField('profileId', 'is not a collaborator of this campaign');
      return campaign;
    });
  }

  private alreadyCollaborator(role: CollaboratorRole): DomainError {
    return DomainError.badField('profileId', `is already a collaborator of this campaign (${role}): to change the role, remove them and add them again`);
  }
}
