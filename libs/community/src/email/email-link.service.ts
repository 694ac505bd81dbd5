/**
 * Verification and password-reset links: issued into the outbox, consumed once.
 *
 * `requestPasswordReset` must not tell who has an account, by its answer or by its time. So the
 * request does the same work for every address (claim a rate-limit slot, queue a lookup job, in one
 * transaction) and the lookup, token and email happen in the job, out of the request's time.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, DomainError, JobScheduler, newId, updateReturning, type AppConfig } from '@foule/shared';
import { ProfileEntity } from '../profiles/profile.entity';
import { hashToken } from './email-token';
import { EmailTokenEntity, type EmailTokenPurpose } from './email.entities';
import { EmailOutbox } from './email-outbox';

const TOKEN_LIFETIME_SECONDS: Record<EmailTokenPurpose, number> = { 'verify-email': 24 * 3600, 'reset-password': 30 * 60 };
/** The window of the per-address and per-client-address limits on requested emails. */
const REQUEST_WINDOW_SECONDS = 15 * 60;
const RESET_LOOKUP_QUEUE = 'community.email.reset-lookup';

/** The same answer for an unknown, used or expired token: which one it was is nobody's business. */
export const invalidToken = () =>
  DomainError.badInput(
    [{ path: 'token', message: 'is not valid or has expired' }],
    'This link is not valid or has expired: ask for a new one',
  );

@Injectable()
export class EmailLinkService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobScheduler,
    private readonly outbox: EmailOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    jobs.define<{ requestId: string; email: string }>({
      name: RESET_LOOKUP_QUEUE,
      handle: ({ requestId, email }) => this.sendResetLinkIfRegistered(requestId, email),
    });
  }

  /** Writes a token and queues its email in the caller's transaction; false if `tokenId` was already issued. */
  async issue(
    manager: EntityManager,
    profile: ProfileEntity,
    purpose: EmailTokenPurpose,
    tokenId = newId('emailToken'),
  ): Promise<boolean> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(EmailTokenEntity)
      .values({
        id: tokenId,
        purpose,
        profileId: profile.id,
        email: profile.email,
        tokenHash: hashToken(this.outbox.keys.tokenSecret(tokenId)),
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME_SECONDS[purpose] * 1000),
      })
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) return false;
    await this.outbox.enqueue(manager, { kind: 'email-token', tokenId });
    return true;
  }

  async requestVerification(profileId: string, clientAddress: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const profile = await manager.findOneByOrFail(ProfileEntity, { id: profileId });
      await this.claimRequest(manager, 'verify-email', profile.email, clientAddress);
      await this.issue(manager, profile, 'verify-email');
    });
  }

  /** Marks the address verified, if it is still the profile's address. */
  async verify(token: string): Promise<ProfileEntity> {
    return this.dataSource.transaction(async (manager) => {
      const { profileId, email } = await this.consume(manager, 'verify-email', token);
      const [profile] = await updateReturning<{ id: string }>(
        manager,
        `UPDATE community.profiles SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1 AND email = $2 RETURNING id`,
        [profileId, email],
      );
      // The profile's address changed since the link was sent: the link verified another address.
      if (!profile) throw invalidToken();
      return manager.findOneByOrFail(ProfileEntity, { id: profileId });
    });
  }

  /** The same statements whether or not `email` has an account; see the file's header. */
  async requestPasswordReset(rawEmail: string, clientAddress: string): Promise<void> {
    const email = rawEmail.trim().toLowerCase();
    await this.dataSource.transaction(async (manager) => {
      await this.claimRequest(manager, 'reset-password', email, clientAddress);
      await this.jobs.enqueue(RESET_LOOKUP_QUEUE, { requestId: newId('emailToken'), email }, { manager });
    });
  }

  /** Uses a token once (a conditional UPDATE: of two concurrent uses one wins); invalidToken() otherwise. */
  async consume(
    manager: EntityManager,
    purpose: EmailTokenPurpose,
    token: string,
  ): Promise<{ profileId: string; email: string }> {
    const [used] = await updateReturning<{ profile_id: string; email: string }>(
      manager,
      `UPDATE community.email_tokens SET used_at = now()
       WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
       RETURNING profile_id, email`,
      [hashToken(token), purpose],
    );
    if (!used) throw invalidToken();
    return { profileId: used.profile_id, email: used.email };
  }

  /** The reset job: the request id is the token id, so a rerun of the job issues nothing twice. */
  private async sendResetLinkIfRegistered(requestId: string, email: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const profile = await manager.findOneBy(ProfileEntity, { email });
      if (profile) await this.issue(manager, profile, 'reset-password', requestId);
    });
  }

  /**
   * Counts a request for an email against AUTH_MAX_ATTEMPTS per address and per client address per
   * 15 minutes; RATE_LIMITED past either. One claim at a time per address, so a burst cannot overrun it.
   */
  private async claimRequest(
    manager: EntityManager,
    purpose: EmailTokenPurpose,
    email: string,
    clientAddress: string,
  ): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`email-request:${purpose}:${email}`]);
    await updateReturning(
      manager,
      `DELETE FROM community.email_requests WHERE requested_at <= now() - make_interval(secs => $1)`,
      [REQUEST_WINDOW_SECONDS],
    );
    const claimed: unknown[] = await manager.query(
      `INSERT INTO community.email_requests (purpose, email, client_address)
       SELECT $1, $2, $3
       WHERE (SELECT count(*) FROM community.email_requests WHERE purpose = $1 AND email = $2) < $4
         AND (SELECT count(*) FROM community.email_requests WHERE purpose = $1 AND client_address = $3) < $4
       RETURNING id`,
      [purpose, email, clientAddress, this.config.authMaxAttempts],
    );
    if (claimed.length === 0) {
      throw DomainError.rateLimited('Too many emails asked for: wait 15 minutes and try again', REQUEST_WINDOW_SECONDS);
    }
  }
}
