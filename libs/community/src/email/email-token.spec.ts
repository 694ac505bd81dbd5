import { EmailKeys, hashToken } from './email-token';

describe('EmailKeys', () => {
  const keys = new EmailKeys('a server secret of the test');

  it('derives a 32-byte token secret per token id, different under another server secret', () => {
    const secret = keys.tokenSecret('etk_01');
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(keys.tokenSecret('etk_01')).toBe(secret);
    expect(keys.tokenSecret('etk_02')).not.toBe(secret);
    expect(new EmailKeys('another secret').tokenSecret('etk_01')).not.toBe(secret);
    expect(hashToken(secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads back its own unsubscribe tokens and refuses any change to them', () => {
    const token = keys.unsubscribeToken('prf_01', 'PAYMENT_FAILED');
    expect(keys.readUnsubscribeToken(token)).toEqual({ profileId: 'prf_01', kind: 'PAYMENT_FAILED' });
    const [, , signature] = token.split('.');
    expect(keys.readUnsubscribeToken(`prf_02.PAYMENT_FAILED.${signature}`)).toBeUndefined();
    expect(keys.readUnsubscribeToken(`prf_01.CONTEST_WON.${signature}`)).toBeUndefined();
    expect(keys.readUnsubscribeToken(new EmailKeys('another secret').unsubscribeToken('prf_01', 'PAYMENT_FAILED'))).toBeUndefined();
    expect(keys.readUnsubscribeToken('prf_01.PAYMENT_FAILED')).toBeUndefined();
  });
});
