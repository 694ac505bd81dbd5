/**
 * What holders and voters do with polls: the holder creates one over entries of their contest;
 * a profile of its audience votes, and voting again moves the vote. The rules are poll-rules.ts;
 * this service reads what they need and writes in one statement or one transaction, so a refused
 * request leaves nothing behind.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { FundingFacade } from '@foule/funding';
import { DomainError, hasRole, isIdOf, newId, updateReturning, type Viewer } from '@foule/shared';
import { ContestEntity } from '../domain/contest.entity';
import { EntryEntity } from '../domain/entry.entities';
import { PollEntity, PollOptionEntity } from './poll.entities';
import type { CreatePollInput } from './poll.models';
import { pollContestRefusal, pollOptionProblems, pollShapeProblems, voteRefusal, voterRefusal, type Refusal } from './poll-rules';

@Injectable()
export class PollService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly funding: FundingFacade,
  ) {}

  onModuleInit(): void {
    this.funding.onBackingEnded((ended, manager) => this.withdrawBackerVotes(manager, ended));
  }

  /**
   * A backers-only poll counts backers: someone who stopped backing the campaign (canceled,
   * refunded, dropped) no longer has a vote in its open polls. A closed poll's result stands.
   */
  private async withdrawBackerVotes(manager: EntityManager, ended: { campaignId: string; backerId: string }): Promise<void> {
    await updateReturning(
      manager,
      `DELETE FROM contest.poll_votes v USING contest.polls p
        WHERE v.poll_id = p.id AND p.campaign_id = $1 AND p.audience = 'BACKERS' AND p.closes_at > now() AND v.voter_id = $2`,
      [ended.campaignId, ended.backerId],
    );
  }

  async create(viewer: Viewer, input: CreatePollInput): Promise<PollEntity> {
    return this.dataSource.transaction(async (manager) => {
      // FOR SHARE: the contest's status and the entries' statuses hold until the poll is written.
      const contest = isIdOf('contest', input.contestId)
        ? await manager.getRepository(ContestEntity).findOne({ where: { id: input.contestId }, lock: { mode: 'pessimistic_read' } })
        : null;
      if (!contest || (contest.status === 'DRAFT' && contest.holderId !== viewer.profileId)) throw DomainError.notFound('Contest', input.contestId);
      if (contest.holderId !== viewer.profileId) throw DomainError.forbidden("Only the contest's holder asks the crowd in a poll");
      // A contest that cannot hold polls (blind, or not running) is refused before its input is read.
      const refused = pollContestRefusal(contest);
      if (refused) throw DomainError.conflict(refused);

      const ids = input.entryIds.filter((id) => isIdOf('entry', id));
      const rows = ids.length
        ? await manager.getRepository(EntryEntity).find({ where: { id: In(ids) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_read' } })
        : [];
      const entries = new Map(rows.map((row) => [row.id, row]));
      const unknown = input.entryIds.find((id) => !entries.has(id));
      if (unknown !== undefined) throw DomainError.notFound('Entry', unknown);

      const audience = input.audience ?? 'PUBLIC';
      const problems = [
        ...pollShapeProblems({ audience, closesAt: input.closesAt, hasCampaign: contest.campaignId !== null }, new Date()),
        ...pollOptionProblems(contest.id, input.entryIds, entries),
      ];
      if (problems.length) throw DomainError.badInput(problems);

      const poll = manager.getRepository(PollEntity).create({
        id: newId('poll'),
        contestId: contest.id,
        campaignId: audience === 'BACKERS' ? contest.campaignId : null,
        question: input.question.trim(),
        audience,
        closesAt: input.closesAt,
      });
      await manager.getRepository(PollEntity).insert(poll);
      await manager
        .getRepository(PollOptionEntity)
        .insert(input.entryIds.map((entryId, index) => ({ pollId: poll.id, entryId, position: index + 1 })));
      return (await manager.getRepository(PollEntity).findOneByOrFail({ id: poll.id }));
    });
  }

  /**
   * One vote per profile per poll: an upsert on (poll, voter), guarded in the same statement by
   * the poll being open and the entry not withdrawn, so concurrent votes of one profile end as
   * one row, and a vote racing the close or a withdrawal is refused rather than counted.
   */
  async vote(viewer: Viewer, pollId: string, entryId: string): Promise<PollEntity> {
    const poll = await this.require(pollId);
    const contest = await this.dataSource.getRepository(ContestEntity).findOneByOrFail({ id: poll.contestId });
    const isHolder = contest.holderId === viewer.profileId;
    const backs = poll.audience === 'BACKERS' && poll.campaignId !== null && !isHolder && (await this.funding.holdsBackingPledge(viewer.profileId, poll.campaignId));
    const notVoter = voterRefusal(poll.audience, { signedIn: true, isHolder, isAdmin: hasRole(viewer, 'ADMIN'), backs });
    if (notVoter) throw DomainError.forbidden(notVoter);

    const entry = isIdOf('entry', entryId) ? await this.dataSource.getRepository(EntryEntity).findOneBy({ id: entryId }) : null;
    if (!entry) throw DomainError.notFound('Entry', entryId);
    const isOption = await this.dataSource.getRepository(PollOptionEntity).existsBy({ pollId: poll.id, entryId });
    const refusal = voteRefusal(poll, contest.status, { isOption, status: entry.status }, new Date());
    if (refusal) throw refusalError(refusal);

    const written = await this.dataSource.query<{ poll_id: string }[]>(
      `INSERT INTO contest.poll_votes (poll_id, voter_id, entry_id)
       SELECT $1, $2, $3
        WHERE EXISTS (SELECT 1 FROM contest.polls WHERE id = $1 AND closes_at > now())
          AND EXISTS (SELECT 1 FROM contest.entries WHERE id = $3 AND status <> 'WITHDRAWN')
          AND EXISTS (SELECT 1 FROM contest.contests WHERE id = $4 AND status <> 'CANCELED')
       ON CONFLICT (poll_id, voter_id) DO UPDATE SET entry_id = EXCLUDED.entry_id, updated_at = now()
       RETURNING poll_id`,
      [poll.id, viewer.profileId, entry.id, contest.id],
    );
    if (!written.length) {
      // The poll closed, the entry was withdrawn or the contest canceled since we read them: say which.
      const [now, fresh, freshContest] = await Promise.all([
        this.dataSource.query<{ now: Date }[]>('SELECT now() AS now').then(([row]) => row.now),
        this.dataSource.getRepository(EntryEntity).findOneByOrFail({ id: entry.id }),
        this.dataSource.getRepository(ContestEntity).findOneByOrFail({ id: contest.id }),
      ]);
      throw refusalError(voteRefusal(poll, freshContest.status, { isOption, status: fresh.status }, now) ?? { code: 'CONFLICT', message: 'The vote was refused; reload the poll and try again' });
    }
    return poll;
  }

  async require(id: string, manager: EntityManager = this.dataSource.manager): Promise<PollEntity> {
    const poll = isIdOf('poll', id) ? await manager.getRepository(PollEntity).findOneBy({ id }) : null;
    if (!poll) throw DomainError.notFound('Poll', id);
    return poll;
  }
}

function refusalError(refusal: Refusal): DomainError {
  return refusal.code === 'BAD_USER_INPUT' ? DomainError.badField(refusal.path, refusal.message) : new DomainError(refusal.code, refusal.message);
}
