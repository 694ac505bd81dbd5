import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A refresh token: only its SHA-256 is stored. Tokens rotate on every use; all tokens issued
 * from one sign-in share a family, and presenting a rotated token revokes the whole family
 * (someone else holds a copy).
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

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}

/** Failed sign-ins, to limit guessing per email. */
@Entity({ schema: 'community', name: 'sign_in_failures' })
@Index('sign_in_failures_email_idx', ['email', 'failedAt'])
export class SignInFailureEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('text')
  email: string;

  @Column('timestamptz', { default: () => 'now()' })
  failedAt: Date;
}
