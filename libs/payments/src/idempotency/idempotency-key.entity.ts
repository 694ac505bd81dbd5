import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type IdempotencyState = 'in_progress' | 'completed' | 'failed';

export interface StoredDomainError {
  code: string;
  message: string;
  extensions: Record<string, unknown>;
}

/**
 * One idempotency key of one profile: the request's fingerprint, and once the work is done,
 * its JSON result (completed) or the DomainError it answered (failed). While in progress, the
 * running process holds a lease (locked_until) that it renews; an expired lease means that
 * process died, and the next caller takes the key over.
 */
@Entity({ schema: 'payments', name: 'idempotency_keys' })
@Check('idempotency_keys_state_check', `"state" IN ('in_progress', 'completed', 'failed')`)
export class IdempotencyKeyEntity {
  @PrimaryColumn('text')
  profileId: string;

  @PrimaryColumn('text')
  key: string;

  @Column('text')
  operation: string;

  @Column('text')
  requestHash: string;

  @Column('text')
  state: IdempotencyState;

  @Column('jsonb', { nullable: true })
  response: unknown;

  @Column('jsonb', { nullable: true })
  error: StoredDomainError | null;

  @Column('text', { nullable: true })
  lockedBy: string | null;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
