/**
 * Contest's side of the community features: its facts (ContestEvents) become notices in the
 * fact's transaction, so the outbox row commits with it, and contests and entries are comment
 * subjects. On an entry of a blind contest the comments are the holder's feedback channel:
 * only the holder and the entry's designer read them, and so only they write them.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CommunityFacade, type CommentSubject } from '@foule/community';
import { formatMoney, type GraphQLContext } from '@foule/shared';
import { ContestLoaders } from '../contest.loaders';
import { canSeeContest, canSeeEntry } from '../contest-visibility';
import { ContestEvents, type ContestEvent } from '../domain/contest-events';
import { handoverNotice, movedNotice, submittedNotice, type EntryFacts } from './contest-notices';

@Injectable()
export class ContestCommunity {
  constructor(
    private readonly community: CommunityFacade,
    private readonly events: ContestEvents,
    private readonly loaders: ContestLoaders,
  ) {}

  register(): void {
    this.events.subscribe((event, manager) => this.tell(event, manager));
    this.community.registerCommentSubject('contest', (ids, context) => Promise.all(ids.map((id) => this.contestSubject(context, id))));
    this.community.registerCommentSubject('entry', (ids, context) => Promise.all(ids.map((id) => this.entrySubject(context, id))));
  }

  private async tell(event: ContestEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'contest.entry.submitted': {
        const [entry] = await this.entryFacts(manager, [event.entryId]);
        await this.community.notify(manager, submittedNotice(entry));
        return;
      }
      case 'contest.entries.moved': {
        if (event.event === 'revise' || event.event === 'withdraw') return;
        for (const entry of await this.entryFacts(manager, event.entryIds)) {
          const notice = movedNotice(event.event, entry, formatMoney);
          if (notice) await this.community.notify(manager, notice);
        }
        return;
      }
      case 'contest.handover.delivered': {
        const [row] = await manager.query<{ title: string; holder_id: string }[]>(`SELECT title, holder_id FROM contest.contests WHERE id = $1`, [event.contestId]);
        await this.community.notify(manager, handoverNotice({ contestId: event.contestId, contestTitle: row.title, holderId: row.holder_id }, event.autoApprovesAt));
        return;
      }
    }
  }

  /** The entries a fact names, with their contests: one statement for any number of them (finalists chosen together). */
  private async entryFacts(manager: EntityManager, entryIds: readonly string[]): Promise<EntryFacts[]> {
    return manager.query<EntryFacts[]>(
      `SELECT e.id AS "entryId", e.number, e.title, e.designer_id AS "designerId", e.rating, e.elimination_reason AS "eliminationReason",
              e.updated_at::text AS "changedAt", c.id AS "contestId", c.title AS "contestTitle", c.holder_id AS "holderId",
              c.prize_amount::float8 AS "prizeAmount", trim(c.currency) AS currency
         FROM contest.entries e JOIN contest.contests c ON c.id = e.contest_id
        WHERE e.id = ANY($1) ORDER BY e.number`,
      [[...entryIds]],
    );
  }

  private async contestSubject(context: GraphQLContext, id: string): Promise<CommentSubject | null> {
    const contest = await this.loaders.contest(context, id);
    return contest && canSeeContest(context.viewer, contest) ? { ownerId: contest.holderId, viewerMayRead: true } : null;
  }

  private async entrySubject(context: GraphQLContext, id: string): Promise<CommentSubject | null> {
    const entry = await this.loaders.entry(context, id);
    const contest = entry && (await this.loaders.contest(context, entry.contestId));
    if (!entry || !contest || !canSeeEntry(context.viewer, entry, contest)) return null;
    const viewerId = context.viewer?.profileId;
    const viewerMayRead = !contest.blind || viewerId === contest.holderId || viewerId === entry.designerId;
    return { ownerId: contest.holderId, viewerMayRead };
  }
}
