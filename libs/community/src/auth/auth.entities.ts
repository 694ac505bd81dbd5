import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A refresh token: only its SHA-256 is stored. Tokens rotate on every use; all tokens issued
 * from one sign-in share a family, and presenting a rotated token revokes the whole family
 * (someone else holds a copy), except as a repeat within a few seconds of its rotation (two tabs
 * refreshing at once), which is answered with the same successor.
 */
@Entity({ schema: 'community', name: 'refresh_tokens' })
@Index('refresh_tokens_family_idx', ['familyId'])
export class RefreshTokenEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  profileId: string;

  @Column('text')
  familyId: string;

  @Column('text')
  tokenHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  rotatedAt: Date | null;

  /** The token this one was rotated into; its secret is derived from this token's (see AuthService). */
  @Column('text', { nullable: true })
  successorId: string | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}

/**
 * One sign-in attempt, claimed before the password is checked, so that no burst of concurrent
 * attempts can check more passwords than the limits allow. A successful sign-in deletes its
 * address's attempts for that email; rows older than the window are deleted by the next claim.
 */
@Entity({ schema: 'community', name: 'sign_in_attempts' })
@Index('sign_in_attempts_email_idx', ['email'])
@Index('sign_in_attempts_time_idx', ['attemptedAt'])
export class SignInAttemptEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('text')
  email: string;

  @Column('text')
  clientAddress: string;

  @Column('timestamptz', { default: () => 'now()' })
  attemptedAt: Date;
}

/** A sign-up refused because its email is already registered, to slow down probing for accounts per address. */
@Entity({ schema: 'community', name: 'sign_up_refusals' })
@Index('sign_up_refusals_address_idx', ['clientAddress'])
@Index('sign_up_refusals_time_idx', ['refusedAt'])
export class SignUpRefusalEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('text')
  clientAddress: string;

  @Column('timestamptz', { default: () => 'now()' })
  refusedAt: Date;
}
