import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { ACCESS_TOKEN_TTL_SECONDS, hasAcceptableLifetime } from './access-token-lifetime';
import { serverSecret } from './dev-secret';

/**
 * How many verified tokens are remembered. A client sends the same token on every request for
 * its 15 minutes; only tokens whose signature and claims passed are kept, so the bound is the
 * only thing an abuser can push on (the oldest entry makes room).
 */
export const MAX_VERIFIED_TOKENS = 10_000;

/** Signs and verifies short-lived access tokens (HS256 JWT carrying the profile id). */
@Injectable()
export class AccessTokenService {
  private readonly jwt: JwtService;
  /**
   * Tokens already verified, with their expiry: a token's bytes decide its verdict, so a second
   * verification of the same string could only differ by the clock, which a hit still checks.
   * Verifying (HMAC, base64 and JSON of the parts, jsonwebtoken's option checks) was about 3% of
   * a pledge request's CPU. Revocation is not decided here: the session is read on every request.
   */
  private readonly verified = new Map<string, { profileId: string; sessionId: string; exp: number }>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // A KeyObject, made once: given the secret as a string, jsonwebtoken tries to parse it as a
    // public (verify) or private (sign) key on every call, throwing and catching an error each
    // time before it falls back to a secret key (a few % of a pledge request's CPU).
    this.jwt = new JwtService({ secret: createSecretKey(Buffer.from(serverSecret(config))), signOptions: { algorithm: 'HS256', issuer: 'foule', audience: 'foule-api' } });
  }

  /** A token for a profile within a session (the refresh-token family it was issued from). */
  sign(profileId: string, sessionId: string): { token: string; expiresAt: Date } {
    const expiresAt = new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000);
    const token = this.jwt.sign({ sub: profileId, sid: sessionId, typ: 'access' }, { expiresIn: ACCESS_TOKEN_TTL_SECONDS });
    return { token, expiresAt };
  }

  /**
   * The profile and session of a valid token; UNAUTHENTICATED for anything else. Beyond the
   * signature, a token must say who issued it for whom (iss, aud) and when (iat, exp), and may
   * live no longer than we issue tokens for: a token signed with the right key but without an
   * expiry, or with a longer one, was not made by this server.
   */
  verify(token: string): { profileId: string; sessionId: string } {
    const known = this.verified.get(token);
    // jsonwebtoken's own rule: expired once the whole second reaches exp.
    if (known && Math.floor(Date.now() / 1000) < known.exp) return { profileId: known.profileId, sessionId: known.sessionId };
    if (known) this.verified.delete(token);
    try {
      const payload = this.jwt.verify<{ sub?: unknown; sid?: unknown; typ?: unknown; iat?: unknown; exp?: unknown }>(token, {
        algorithms: ['HS256'],
        issuer: 'foule',
        audience: 'foule-api',
      });
      if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
        throw new Error('not an access token');
      }
      if (!hasAcceptableLifetime(payload.iat, payload.exp, Date.now() / 1000)) throw new Error('not a lifetime this server issues');
      if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { profileId: payload.sub, sessionId: payload.sid, exp: payload.exp as number });
      return { profileId: payload.sub, sessionId: payload.sid };
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw DomainError.unauthenticated(expired ? 'The access token has expired: refresh the session' : 'The access token is not valid');
    }
  }

  /** Reads "Bearer <token>"; undefined when there is no header at all. */
  static fromAuthorizationHeader(header: unknown): string | undefined {
    if (header === undefined || header === null || header === '') return undefined;
    // Any non-string value simply fails the pattern below.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const match = /^Bearer\s+(\S+)\s*$/i.exec(String(header));
    if (!match) throw DomainError.unauthenticated('The Authorization header must be "Bearer <accessToken>"');
    return match[1];
  }
}
