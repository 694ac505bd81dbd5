import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '../config/app-config';
import { ACCESS_TOKEN_TTL_SECONDS } from './access-token-lifetime';
import { AccessTokenService, MAX_VERIFIED_TOKENS } from './access-token.service';

describe('AccessTokenService.verify, with the tokens it verified before', () => {
  const config = loadConfig({ JWT_SECRET: 'a'.repeat(48), DATA_DIR: '/tmp' });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('answers a token again without verifying it again, and refuses it once it has expired', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
    const tokens = new AccessTokenService(config);
    const { token } = tokens.sign('prf_1', 'ses_1');
    const verify = jest.spyOn(JwtService.prototype, 'verify');
    expect(tokens.verify(token)).toEqual({ profileId: 'prf_1', sessionId: 'ses_1' });
    expect(tokens.verify(token)).toEqual({ profileId: 'prf_1', sessionId: 'ses_1' });
    expect(verify).toHaveBeenCalledTimes(1);

    jest.setSystemTime(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000);
    expect(() => tokens.verify(token)).toThrow('The access token has expired: refresh the session');
  });

  it('still refuses a tampered token, and forgets the oldest token beyond its bound', () => {
    const tokens = new AccessTokenService(config);
    const first = tokens.sign('prf_1', 'ses_1').token;
    tokens.verify(first);
    expect(() => tokens.verify(`${first.slice(0, -2)}xx`)).toThrow('The access token is not valid');
    for (let i = 0; i < MAX_VERIFIED_TOKENS; i++) tokens.verify(tokens.sign(`prf_${i + 2}`, 'ses_1').token);
    const verify = jest.spyOn(JwtService.prototype, 'verify');
    expect(tokens.verify(first)).toEqual({ profileId: 'prf_1', sessionId: 'ses_1' });
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
