import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type EmailTokenPurpose = 'verify-email' | 'reset-password';

/**
 * A link sent by email (verify an address, reset a password). Only the SHA-256 of its secret is
 * stored; the secret itself is derived from the row's id under a server key when the email is
 * composed (see email-token.ts), so neither this table nor the job queue holds a usable token.
 * Single use: `used_at` is set by one conditional UPDATE.
 */
@Entity({ schema: 'community', name: 'email_tokens' })
@Index('email_tokens_hash_key', ['tokenHash'], { unique: true })
@Index('email_tokens_profile_idx', ['profileId'])
export class EmailTokenEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  purpose: EmailTokenPurpose;

  @Column('text')
  profileId: string;

  /** The address the link was sent to: verifying it verifies this address only. */
  @Column('text')
  email: string;

  @Column('text')
  tokenHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  usedAt: Date | null;
}

/** An email handed to the mail server: checked before sending, so a retried job sends nothing twice. */
@Entity({ schema: 'community', name: 'sent_emails' })
export class SentEmailEntity {
  /** Our id of the email (`email-token:<id>`, `notification:<id>`); its Message-ID is derived from it. */
  @PrimaryColumn('text')
  emailId: string;

  @Column('text')
  messageId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  sentAt: Date;
}

/** One request for a verification or reset email, to limit them per address and per client address. */
@Entity({ schema: 'community', name: 'email_requests' })
@Index('email_requests_email_idx', ['purpose', 'email'])
@Index('email_requests_address_idx', ['purpose', 'clientAddress'])
@Index('email_requests_time_idx', ['requestedAt'])
export class EmailRequestEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('text')
  purpose: EmailTokenPurpose;

  @Column('text')
  email: string;

  @Column('text')
  clientAddress: string;

  @Column('timestamptz', { default: () => 'now()' })
  requestedAt: Date;
}

/** A profile's choice of notification kinds that are also emailed; no row means the defaults. */
@Entity({ schema: 'community', name: 'notification_settings' })
export class NotificationSettingsEntity {
  @PrimaryColumn('text')
  profileId: string;

  @Column('text', { array: true })
  emailKinds: string[];

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
