import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import {
  AccessTokenService,
  APP_CONFIG,
  DomainError,
  isUniqueViolation,
  newId,
  serverSecret,
  type AppConfig,
  type Role,
  updateReturning,
} from '@foule/shared';
import { EmailLinkService } from '../email/email-link.service';
import { ProfileEntity } from '../profiles/profile.entity';
import { RefreshTokenEntity, SignInAttemptEntity, SignUpRefusalEntity } from './auth.entities';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './password';
import type { SignInInput, SignUpInput } from '../profiles/profile.inputs';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** The window of the sign-in and sign-up limits. */
const ATTEMPT_WINDOW_SECONDS = 15 * 60;
/**
 * A rotated refresh token presented again this soon after its rotation is a client racing itself
 * (two tabs, a phone waking up) and gets the same successor; later, it is a stolen copy.
 */
export const REFRESH_REPEAT_GRACE_SECONDS = 10;

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  profile: ProfileEntity;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Refresh tokens are "<token id>.<secret>": the id finds the row, the secret is checked against its hash. */
function parseRefreshToken(token: string): { id: string; secret: string } {
  const [id, secret, ...rest] = token.split('.');
  if (!id || !secret || rest.length > 0) throw DomainError.unauthenticated('The refresh token is not valid');
  return { id, secret };
}

type Outcome<T> = { value: T } | { error: DomainError };

/** Throws the error of an outcome; used after a transaction that must commit what it recorded before the error. */
function unwrap<T>(outcome: Outcome<T>): T {
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

const tooManySignIns = () =>
  DomainError.rateLimited('Too many sign-in attempts for this email: wait 15 minutes and try again', ATTEMPT_WINDOW_SECONDS);

@Injectable()
export class AuthService {
  /** Keys the successor of a refresh token: only this server can derive it, and only from the token itself. */
  private readonly successorKey: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly emailLinks: EmailLinkService,
  ) {
    this.successorKey = createHmac('sha256', serverSecret(config)).update('foule refresh-token successor').digest();
  }

  /**
   * Signs up, or says the email is already registered: a clear answer is what a person who forgot
   * they had an account needs. To keep that answer from being an oracle for which emails have
   * accounts, an address that received it AUTH_MAX_ATTEMPTS times in 15 minutes gets RATE_LIMITED
   * for every sign-up (whatever the email) until the window passes. Sign-ups from one address are
   * serialized, so a burst cannot read more answers than the limit.
   */
  async signUp(input: SignUpInput, clientAddress: string): Promise<Session> {
    const email = input.email.trim().toLowerCase();
    const handle = input.handle.trim();
    const roles: Role[] = this.config.adminEmails.includes(email) ? ['MEMBER', 'ADMIN'] : ['MEMBER'];
    const passwordHash = await hashPassword(input.password);
    try {
      const outcome = await this.dataSource.transaction(async (manager): Promise<Outcome<Session>> => {
        await lockFor(manager, `sign-up:${clientAddress}`);
        await updateReturning(
          manager,
          `DELETE FROM community.sign_up_refusals WHERE refused_at <= now() - make_interval(secs => $1)`,
          [ATTEMPT_WINDOW_SECONDS],
        );
        if ((await manager.countBy(SignUpRefusalEntity, { clientAddress })) >= this.config.authMaxAttempts) {
          return {
            error: DomainError.rateLimited(
              'Too many sign-ups from your address: wait 15 minutes and try again',
              ATTEMPT_WINDOW_SECONDS,
            ),
          };
        }
        if (await manager.existsBy(ProfileEntity, { email })) {
          await manager.insert(SignUpRefusalEntity, { clientAddress });
          return { error: emailTaken() };
        }
        const profile = manager.create(ProfileEntity, {
          id: newId('profile'),
          email,
          passwordHash,
          handle,
          handleKey: handle.toLowerCase(),
          displayName: input.displayName.trim(),
          bio: null,
          avatarUrl: null,
          roles,
        });
        await manager.insert(ProfileEntity, profile);
        await this.emailLinks.issue(manager, profile, 'verify-email');
        return { value: await this.startSession(manager, await manager.findOneByOrFail(ProfileEntity, { id: profile.id })) };
      });
      return unwrap(outcome);
    } catch (error) {
      // Another address registered the same email at the same moment.
      if (isUniqueViolation(error, 'profiles_email_key')) throw emailTaken();
      if (isUniqueViolation(error, 'profiles_handle_key')) {
        throw new DomainError('CONFLICT', `The handle "${handle}" is taken: choose another`, {
          fields: [{ path: 'handle', message: 'is taken' }],
        });
      }
      throw error;
    }
  }

  /**
   * Each attempt is claimed before its password is checked: at most AUTH_MAX_ATTEMPTS per email
   * from one client address, and AUTH_MAX_ATTEMPTS_PER_EMAIL from all addresses together, per
   * 15 minutes, however many arrive at once. By default the two are equal (the issue's bound: no more
   * than AUTH_MAX_ATTEMPTS checks per email); with a higher per-email ceiling, someone guessing from
   * one address locks out only that address and the owner elsewhere still signs in. A successful sign-in clears its own address's attempts for the email (the owner's
   * typos), not those of other addresses.
   */
  async signIn(input: SignInInput, clientAddress: string): Promise<Session> {
    const email = input.email.trim().toLowerCase();
    if (!(await this.claimSignInAttempt(email, clientAddress))) throw tooManySignIns();
    const profile = await this.dataSource
      .getRepository(ProfileEntity)
      .createQueryBuilder('profile')
      .addSelect('profile.passwordHash')
      .where('profile.email = :email', { email })
      .getOne();
    const valid = profile
      ? await verifyPassword(profile.passwordHash, input.password)
      : (await verifyAgainstNothing(input.password), false);
    // The claimed attempt stays: it was a failure.
    if (!profile || !valid) throw DomainError.unauthenticated('The email or password is wrong');
    return this.dataSource.transaction(async (manager) => {
      await manager.delete(SignInAttemptEntity, { email, clientAddress });
      return this.startSession(manager, profile);
    });
  }

  /** Records an attempt if both limits allow it; false when one of them is reached. */
  private claimSignInAttempt(email: string, clientAddress: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // One claim at a time per email: each claim's count must see the claims before it.
      await lockFor(manager, `sign-in:${email}`);
      await updateReturning(
        manager,
        `DELETE FROM community.sign_in_attempts WHERE attempted_at <= now() - make_interval(secs => $1)`,
        [ATTEMPT_WINDOW_SECONDS],
      );
      const claimed: unknown[] = await manager.query(
        `INSERT INTO community.sign_in_attempts (email, client_address)
         SELECT $1, $2
         FROM (SELECT count(*) FILTER (WHERE client_address = $2) AS from_address, count(*) AS from_all
               FROM community.sign_in_attempts WHERE email = $1) AS attempts
         WHERE from_address < $3 AND from_all < $4
         RETURNING id`,
        [email, clientAddress, this.config.authMaxAttempts, this.config.authMaxAttemptsPerEmail],
      );
      return claimed.length === 1;
    });
  }

  /**
   * Rotates a refresh token. Presenting one that was already rotated revokes its whole family,
   * unless it comes within REFRESH_REPEAT_GRACE_SECONDS of the rotation: then it is answered with
   * the same successor. The successor's secret is an HMAC of the presented secret under a server
   * key, so it can be handed out again without being stored anywhere.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const { id, secret } = parseRefreshToken(refreshToken);
    const outcome = await this.dataSource.transaction(async (manager): Promise<Outcome<Session>> => {
      const refused = (message: string) => ({ error: DomainError.unauthenticated(message) });
      const token = await manager.findOne(RefreshTokenEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!token || !this.secretMatches(token, secret)) return refused('The refresh token is not valid');
      if (token.revokedAt) return refused('This session was signed out: sign in again');
      if (token.expiresAt <= new Date()) return refused('The refresh token has expired: sign in again');
      const profile = await manager.findOneBy(ProfileEntity, { id: token.profileId });
      if (!profile) return refused('The profile of this session no longer exists');
      const successorSecret = this.successorSecret(token.id, secret);
      if (token.rotatedAt) {
        const sinceRotation = Date.now() - token.rotatedAt.getTime();
        if (token.successorId && sinceRotation <= REFRESH_REPEAT_GRACE_SECONDS * 1000) {
          return { value: this.session(profile, token.familyId, token.successorId, successorSecret) };
        }
        // Reuse of a rotated token: someone else has a copy. End the whole session.
        await this.revokeFamily(manager, token.familyId);
        return refused('This refresh token was already used; the session has been signed out for safety');
      }
      const successorId = await this.insertRefreshToken(manager, profile, token.familyId, successorSecret);
      token.rotatedAt = new Date();
      token.successorId = successorId;
      await manager.save(token);
      return { value: this.session(profile, token.familyId, successorId, successorSecret) };
    });
    // The revocation above must commit, so the error is thrown only after the transaction.
    return unwrap(outcome);
  }

  /**
   * Sets a new password with a reset link, ends every session of the profile and starts this
   * one, in one transaction: a refused token or a failure leaves the old password and sessions.
   */
  async resetPassword(token: string, newPassword: string): Promise<Session> {
    const passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (manager) => {
      const { profileId } = await this.emailLinks.consume(manager, 'reset-password', token);
      await manager.update(ProfileEntity, { id: profileId }, { passwordHash });
      await manager.update(RefreshTokenEntity, { profileId, revokedAt: IsNull() }, { revokedAt: new Date() });
      return this.startSession(manager, await manager.findOneByOrFail(ProfileEntity, { id: profileId }));
    });
  }

  async signOut(sessionId: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.revokeFamily(manager, sessionId));
  }

  private successorSecret(tokenId: string, secret: string): string {
    return createHmac('sha256', this.successorKey).update(`${tokenId}.${secret}`).digest('base64url');
  }

  private secretMatches(token: RefreshTokenEntity, secret: string): boolean {
    const expected = Buffer.from(token.tokenHash, 'hex');
    const actual = Buffer.from(sha256(secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** A new family (a new session) with its first refresh token. */
  private async startSession(manager: EntityManager, profile: ProfileEntity): Promise<Session> {
    const familyId = newId('refreshToken');
    const secret = randomBytes(32).toString('base64url');
    const tokenId = await this.insertRefreshToken(manager, profile, familyId, secret);
    return this.session(profile, familyId, tokenId, secret);
  }

  private async insertRefreshToken(
    manager: EntityManager,
    profile: ProfileEntity,
    familyId: string,
    secret: string,
  ): Promise<string> {
    const token = manager.create(RefreshTokenEntity, {
      id: newId('refreshToken'),
      profileId: profile.id,
      familyId,
      tokenHash: sha256(secret),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      rotatedAt: null,
      successorId: null,
      revokedAt: null,
    });
    await manager.insert(RefreshTokenEntity, token);
    return token.id;
  }

  private session(profile: ProfileEntity, familyId: string, refreshTokenId: string, secret: string): Session {
    const access = this.accessTokens.sign(profile.id, familyId);
    return { accessToken: access.token, expiresAt: access.expiresAt, refreshToken: `${refreshTokenId}.${secret}`, profile };
  }
}

/** A transaction-scoped advisory lock on a name: holders of the same name run one after another. */
async function lockFor(manager: EntityManager, name: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);
}

function emailTaken(): DomainError {
  return new DomainError('CONFLICT', 'An account with this email already exists: sign in instead', {
    fields: [{ path: 'email', message: 'is already registered' }],
  });
}
