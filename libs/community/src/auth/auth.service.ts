import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import {
  AccessTokenService,
  APP_CONFIG,
  DomainError,
  isUniqueViolation,
  newId,
  type AppConfig,
  type Role,
} from '@foule/shared';
import { ProfileEntity } from '../profiles/profile.entity';
import { RefreshTokenEntity, SignInFailureEntity } from './auth.entities';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './password';
import type { SignInInput, SignUpInput } from '../profiles/profile.inputs';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

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

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signUp(input: SignUpInput): Promise<Session> {
    const email = input.email.trim().toLowerCase();
    const handle = input.handle.trim();
    const roles: Role[] = this.config.adminEmails.includes(email) ? ['MEMBER', 'ADMIN'] : ['MEMBER'];
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
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
        return this.startSession(manager, await manager.findOneByOrFail(ProfileEntity, { id: profile.id }));
      });
    } catch (error) {
      if (isUniqueViolation(error, 'profiles_email_key')) {
        throw new DomainError('CONFLICT', 'An account with this email already exists: sign in instead', {
          fields: [{ path: 'email', message: 'is already registered' }],
        });
      }
      if (isUniqueViolation(error, 'profiles_handle_key')) {
        throw new DomainError('CONFLICT', `The handle "${handle}" is taken: choose another`, {
          fields: [{ path: 'handle', message: 'is taken' }],
        });
      }
      throw error;
    }
  }

  async signIn(input: SignInInput): Promise<Session> {
    const email = input.email.trim().toLowerCase();
    const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
    const failures = await this.dataSource.getRepository(SignInFailureEntity).countBy({ email, failedAt: MoreThan(since) });
    if (failures >= this.config.authMaxAttempts) {
      throw DomainError.rateLimited('Too many failed sign-ins for this email: wait 15 minutes and try again', 15 * 60);
    }
    const profile = await this.dataSource.getRepository(ProfileEntity).findOneBy({ email });
    const valid = profile ? await verifyPassword(profile.passwordHash, input.password) : (await verifyAgainstNothing(input.password), false);
    if (!profile || !valid) {
      await this.dataSource.getRepository(SignInFailureEntity).insert({ email });
      throw DomainError.unauthenticated('The email or password is wrong');
    }
    return this.dataSource.transaction(async (manager) => {
      await manager.delete(SignInFailureEntity, { email });
      return this.startSession(manager, profile);
    });
  }

  /** Rotates a refresh token. Presenting one that was already rotated revokes its whole family. */
  async refresh(refreshToken: string): Promise<Session> {
    const { id, secret } = parseRefreshToken(refreshToken);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const token = await manager.findOne(RefreshTokenEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!token || !this.secretMatches(token, secret)) return { error: 'The refresh token is not valid' };
      if (token.revokedAt) return { error: 'This session was signed out: sign in again' };
      if (token.expiresAt <= new Date()) return { error: 'The refresh token has expired: sign in again' };
      if (token.rotatedAt) {
        // Reuse of a rotated token: someone else has a copy. End the whole session.
        await this.revokeFamily(manager, token.familyId);
        return { error: 'This refresh token was already used; the session has been signed out for safety' };
      }
      token.rotatedAt = new Date();
      await manager.save(token);
      const profile = await manager.findOneBy(ProfileEntity, { id: token.profileId });
      if (!profile) return { error: 'The profile of this session no longer exists' };
      return { session: await this.issueTokens(manager, profile, token.familyId) };
    });
    // The revocation above must commit, so the error is thrown only after the transaction.
    if ('error' in outcome) throw DomainError.unauthenticated(outcome.error);
    return outcome.session;
  }

  async signOut(sessionId: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.revokeFamily(manager, sessionId));
  }

  private secretMatches(token: RefreshTokenEntity, secret: string): boolean {
    const expected = Buffer.from(token.tokenHash, 'hex');
    const actual = Buffer.from(sha256(secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private startSession(manager: EntityManager, profile: ProfileEntity): Promise<Session> {
    return this.issueTokens(manager, profile, newId('refreshToken'));
  }

  private async issueTokens(manager: EntityManager, profile: ProfileEntity, familyId: string): Promise<Session> {
    const secret = randomBytes(32).toString('base64url');
    const token = manager.create(RefreshTokenEntity, {
      id: newId('refreshToken'),
      profileId: profile.id,
      familyId,
      tokenHash: sha256(secret),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      rotatedAt: null,
      revokedAt: null,
    });
    await manager.insert(RefreshTokenEntity, token);
    const access = this.accessTokens.sign(profile.id, familyId);
    return { accessToken: access.token, expiresAt: access.expiresAt, refreshToken: `${token.id}.${secret}`, profile };
  }
}
