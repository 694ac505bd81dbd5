import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { ACCESS_TOKEN_TTL_SECONDS, hasAcceptableLifetime } from './access-token-lifetime';
import { serverSecret } from './dev-secret';

/** Signs and verifies short-lived access tokens (HS256 JWT carrying the profile id). */
@Injectable()
export class AccessTokenService {
  private readonly jwt: JwtService;

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
