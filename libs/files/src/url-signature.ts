/**
 * HMAC signatures for the URLs the api hands out for local storage (pure): a URL carries its
 * expiry and a signature over everything the request may do, so the route can check it
 * without any state, on every request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed URL allows: one method on one file of one asset, with these declared properties. */
export interface SignedRequest {
  method: 'PUT' | 'GET';
  assetId: string;
  variant: 'original' | 'thumbnail';
  /** For uploads: the only Content-Type and Content-Length accepted. */
  contentType?: string;
  byteSize?: number;
  /** Unix seconds. */
  expires: number;
}

function payload(request: SignedRequest): string {
  return [request.method, request.assetId, request.variant, request.contentType ?? '', request.byteSize ?? '', request.expires].join('\n');
}

export function signRequest(key: Buffer, request: SignedRequest): string {
  return createHmac('sha256', key).update(payload(request)).digest('base64url');
}

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

export function checkSignature(key: Buffer, request: SignedRequest, signature: string | undefined, now: Date): SignatureCheck {
  if (!signature || !Number.isSafeInteger(request.expires)) return 'invalid';
  const expected = Buffer.from(signRequest(key, request));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return request.expires * 1000 <= now.getTime() ? 'expired' : 'valid';
}

/** Download URLs stay valid 15 to 20 minutes: rounding the expiry to 5-minute steps keeps a URL stable across requests in a window, so browsers can cache it. */
export function downloadExpiry(now: Date, minimumSeconds = 15 * 60, stepSeconds = 5 * 60): number {
  const earliest = Math.floor(now.getTime() / 1000) + minimumSeconds;
  return Math.ceil(earliest / stepSeconds) * stepSeconds;
}
