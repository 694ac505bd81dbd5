import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '@foule/shared';

@Entity({ schema: 'community', name: 'profiles' })
export class ProfileEntity {
  @PrimaryColumn('text')
  id: string;

  /** Stored lower-cased; visible to its owner only. */
  @Index('profiles_email_key', { unique: true })
  @Column('text')
  email: string;

  /** When the owner followed a verification link sent to `email`; null until then. */
  @Column('timestamptz', { nullable: true })
  emailVerifiedAt: Date | null;

  /** Never selected unless asked for by name: only sign-in reads it. */
  @Column('text', { select: false })
  passwordHash: string;

  /** As the owner typed it; unique ignoring case through handleKey. */
  @Column('text')
  handle: string;

  @Index('profiles_handle_key', { unique: true })
  @Column('text')
  handleKey: string;

  @Column('text')
  displayName: string;

  @Column('text', { nullable: true })
  bio: string | null;

  @Column('text', { nullable: true })
  avatarUrl: string | null;

  @Column('text', { array: true, default: () => "'{MEMBER}'" })
  roles: Role[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ schema: 'community', name: 'follows' })
@Index('follows_followee_idx', ['followeeId'])
export class FollowEntity {
  @PrimaryColumn('text')
  followerId: string;

  @PrimaryColumn('text')
  followeeId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
