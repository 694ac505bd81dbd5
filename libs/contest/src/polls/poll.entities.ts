/**
 * A holder's poll over some entries of their contest: the poll, its options (entries, in the
 * holder's order) and one vote per profile per poll (voting again moves it: the primary key is
 * the upsert's conflict target, so concurrent votes of one profile end as one row).
 */
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PollAudience } from './poll-rules';

@Entity({ schema: 'contest', name: 'polls' })
@Index('polls_contest_idx', ['contestId', 'id'])
@Check('polls_audience_check', `"audience" IN ('PUBLIC', 'BACKERS')`)
@Check('polls_backers_have_campaign', `"audience" = 'PUBLIC' OR "campaign_id" IS NOT NULL`)
export class PollEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  contestId: string;

  /** The contest's linked campaign when the poll was created: a BACKERS poll's voters back it (funding's id, no foreign key). */
  @Column('text', { nullable: true })
  campaignId: string | null;

  @Column('text')
  question: string;

  @Column('text')
  audience: PollAudience;

  @Column('timestamptz')
  closesAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ schema: 'contest', name: 'poll_options' })
@Index('poll_options_poll_position_key', ['pollId', 'position'], { unique: true })
@Check('poll_options_position_range', `"position" BETWEEN 1 AND 8`)
export class PollOptionEntity {
  @PrimaryColumn('text')
  pollId: string;

  @PrimaryColumn('text')
  entryId: string;

  /** 1, 2, 3... as the holder listed the entries. */
  @Column('integer')
  position: number;
}

@Entity({ schema: 'contest', name: 'poll_votes' })
@Index('poll_votes_poll_entry_idx', ['pollId', 'entryId'])
export class PollVoteEntity {
  @PrimaryColumn('text')
  pollId: string;

  @PrimaryColumn('text')
  voterId: string;

  @Column('text')
  entryId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** When the vote last moved. */
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
