import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';
import type { EntryStatus } from './entry-status.machine';

@Entity({ schema: 'contest', name: 'entries' })
@Index('entries_contest_number_key', ['contestId', 'number'], { unique: true })
@Index('entries_contest_idx', ['contestId', 'id'])
@Index('entries_contest_status_idx', ['contestId', 'status', 'id'])
@Index('entries_designer_idx', ['designerId', 'id'])
@Check('entries_status_check', `"status" IN ('ACTIVE', 'FINALIST', 'ELIMINATED', 'WITHDRAWN', 'WINNER')`)
@Check('entries_rating_range', `"rating" IS NULL OR "rating" BETWEEN 1 AND 5`)
@Check('entries_number_positive', `"number" > 0`)
export class EntryEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  contestId: string;

  @Column('text')
  designerId: string;

  /** 1, 2, 3... within the contest, without gaps. */
  @Column('integer')
  number: number;

  @Column('text', { nullable: true })
  title: string | null;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text')
  status: EntryStatus;

  /** The holder's 1-5 stars. */
  @Column('integer', { nullable: true })
  rating: number | null;

  @Column('text', { nullable: true })
  eliminationReason: string | null;

  /** The newest revision's number (1 when submitted). */
  @Column('integer', { default: 1 })
  revisions: number;

  @CreateDateColumn({ type: 'timestamptz' })
  submittedAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ schema: 'contest', name: 'entry_revisions' })
@Index('entry_revisions_entry_revision_key', ['entryId', 'revision'], { unique: true })
@Index('entry_revisions_contest_idx', ['contestId'])
export class EntryRevisionEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  entryId: string;

  /** Copied from the entry, so the originality check compares within a contest without a join. */
  @Column('text')
  contestId: string;

  @Column('text')
  designerId: string;

  @Column('integer')
  revision: number;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('text', { array: true })
  assetIds: string[];

  /** The 64-bit perceptual hash (dHash) of the revision's first image, signed; null when none could be computed. */
  @Column('bigint', { nullable: true, transformer: { to: (value: bigint | null) => value, from: (value: string | null) => (value === null ? null : BigInt(value)) } })
  perceptualHash: bigint | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** An earlier entry of another designer in the same contest whose picture looks nearly the same (filled on submit and revise). */
@Entity({ schema: 'contest', name: 'entry_similarities' })
@Check('entry_similarities_distance_range', `"distance" BETWEEN 0 AND 64`)
export class EntrySimilarityEntity {
  @PrimaryColumn('text')
  entryId: string;

  @PrimaryColumn('text')
  similarEntryId: string;

  /** The smallest Hamming distance between any revision of the two entries. */
  @Column('integer')
  distance: number;
}

/** What each designer received from a contest: the winner's prize, or a share of a split. */
@Entity({ schema: 'contest', name: 'prize_awards' })
@Index('prize_awards_designer_idx', ['designerId'])
@Check('prize_awards_kind_check', `"kind" IN ('WINNER', 'SPLIT')`)
@Check('prize_awards_amount_positive', `"amount" > 0`)
export class PrizeAwardEntity {
  @PrimaryColumn('text')
  contestId: string;

  @PrimaryColumn('text')
  designerId: string;

  @Column('text')
  kind: 'WINNER' | 'SPLIT';

  @Column('bigint', { transformer: bigintAsNumber })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('text')
  payoutId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
