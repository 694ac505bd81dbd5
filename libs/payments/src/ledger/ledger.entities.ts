import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@foule/shared';

/**
 * One money movement: two or more postings that sum to zero per currency. Append-only:
 * triggers refuse UPDATE and DELETE, and a deferred constraint trigger refuses, at commit, an
 * entry whose postings do not balance (see the PaymentsInit migration).
 */
@Entity({ schema: 'payments', name: 'journal_entries' })
@Index('journal_entries_reference_idx', ['reference'])
export class JournalEntryEntity {
  @PrimaryColumn('text')
  id: string;

  /** What happened: pledge.collected, payout.paid, ... */
  @Column('text')
  kind: string;

  /** Our id of the subject (a pledge, a payout, a contest). */
  @Column('text')
  reference: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ schema: 'payments', name: 'postings' })
@Index('postings_journal_entry_idx', ['journalEntryId'])
@Index('postings_account_idx', ['account', 'currency'])
@Check('postings_amount_non_zero', `"amount" <> 0`)
export class PostingEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  journalEntryId: string;

  @ManyToOne(() => JournalEntryEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'journal_entry_id', foreignKeyConstraintName: 'postings_journal_entry_fk' })
  journalEntry?: JournalEntryEntity;

  @Column('text')
  account: string;

  /** Signed minor units: + into the account, - out of it. */
  @Column('bigint', { transformer: bigintAsNumber })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The running balance of each account per currency, kept by a trigger on postings in the
 * same transaction (so it can never disagree with them), and the row the LedgerService locks
 * to serialize movements out of one account.
 */
@Entity({ schema: 'payments', name: 'account_balances' })
@Check('account_balances_escrow_non_negative', `"account" !~ '^(campaign|contest):[^:]+:escrow$' OR "balance" >= 0`)
export class AccountBalanceEntity {
  @PrimaryColumn('text')
  account: string;

  @PrimaryColumn('char', { length: 3 })
  currency: string;

  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  balance: number;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
