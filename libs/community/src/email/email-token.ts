/**
 * The secrets of email links and unsubscribe links, derived under keys of their own from the
 * server secret (JWT_SECRET). An email token's secret is HMAC(key, token id): 32 bytes nobody can
 * guess without the key, which the email job derives again when it composes the email, so the
 * token is never written anywhere but the email itself. Only its SHA-256 is stored.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export class EmailKeys {
  private readonly tokenKey: Buffer;
  private readonly unsubscribeKey: Buffer;

  constructor(serverSecret: string) {
    this.tokenKey = createHmac('sha256', serverSecret).update('foule email-token').digest();
    this.unsubscribeKey = createHmac('sha256', serverSecret).update('foule unsubscribe-link').digest();
  }

  /** The secret a link carries for the token row `tokenId`. */
  tokenSecret(tokenId: string): string {
    return createHmac('sha256', this.tokenKey).update(tokenId).digest('base64url');
  }

  /** `<profile id>.<kind>.<signature>`: stops one kind of email for one profile, and nothing else. */
  unsubscribeToken(profileId: string, kind: string): string {
    return `${profileId}.${kind}.${this.unsubscribeSignature(profileId, kind)}`;
  }

  /** The profile and kind of a valid unsubscribe token; undefined for anything tampered with. */
  readUnsubscribeToken(token: string): { profileId: string; kind: string } | undefined {
    const [profileId, kind, signature, ...rest] = token.split('.');
    if (!profileId || !kind || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.unsubscribeSignature(profileId, kind));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? { profileId, kind } : undefined;
  }

  private unsubscribeSignature(profileId: string, kind: string): string {
    return createHmac('sha256', this.unsubscribeKey).update(`${profileId}.${kind}`).digest('base64url');
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
