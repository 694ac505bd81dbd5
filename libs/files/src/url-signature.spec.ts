import { randomBytes } from 'node:crypto';
import { checkSignature, downloadExpiry, signRequest, type SignedRequest } from './url-signature';

const key = randomBytes(32);
const now = new Date('2026-12-01T10:00:00Z');
const upload: SignedRequest = {
  method: 'PUT',
  assetId: 'ast_01JD0000000000000000000000',
  variant: 'original',
  contentType: 'image/png',
  byteSize: 1234,
  expires: now.getTime() / 1000 + 900,
};

describe('signed URLs', () => {
  it('accepts its own signature before the expiry', () => {
    expect(checkSignature(key, upload, signRequest(key, upload), now)).toBe('valid');
  });

  it('says expired once the expiry passed (the signature itself is good)', () => {
    expect(checkSignature(key, upload, signRequest(key, upload), new Date((upload.expires + 1) * 1000))).toBe('expired');
  });

  it.each<[string, Partial<SignedRequest>]>([
    ['another asset', { assetId: 'ast_01JD0000000000000000000001' }],
    ['another method', { method: 'GET' }],
    ['the thumbnail', { variant: 'thumbnail' }],
    ['another content type', { contentType: 'image/jpeg' }],
    ['another size', { byteSize: 1235 }],
    ['a later expiry', { expires: upload.expires + 3600 }],
  ])('refuses the signature for %s', (_what, change) => {
    expect(checkSignature(key, { ...upload, ...change }, signRequest(key, upload), now)).toBe('invalid');
  });

  it('refuses another key, a missing and a mangled signature', () => {
    expect(checkSignature(randomBytes(32), upload, signRequest(key, upload), now)).toBe('invalid');
    expect(checkSignature(key, upload, undefined, now)).toBe('invalid');
    expect(checkSignature(key, upload, `${signRequest(key, upload)}x`, now)).toBe('invalid');
    expect(checkSignature(key, { ...upload, expires: Number('abc') }, signRequest(key, upload), now)).toBe('invalid');
  });
});

describe('downloadExpiry', () => {
  it('is 15 to 20 minutes away and the same throughout a 5-minute window', () => {
    const now = new Date('2026-12-01T10:00:30Z');
    const expires = downloadExpiry(now);
    expect(expires * 1000 - now.getTime()).toBeGreaterThanOrEqual(15 * 60_000);
    expect(expires * 1000 - now.getTime()).toBeLessThanOrEqual(20 * 60_000);
    expect(downloadExpiry(new Date(now.getTime() + 60_000))).toBe(expires);
    expect(downloadExpiry(new Date(now.getTime() + 6 * 60_000))).toBeGreaterThan(expires);
  });
});
