import { randomBytes } from 'node:crypto';
import { ConfigError, isStrongSecret, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      platformFeeBps: 500,
      contestFeeBps: 1000,
      campaignMinDurationSeconds: 86400,
      campaignMaxDurationSeconds: 5184000,
      paymentRetryWindowSeconds: 604800,
      campaignPayoutDelaySeconds: 1209600,
      contestQualifyingRoundSeconds: 345600,
      handoverAutoApproveSeconds: 432000,
      rateLimitPerMinute: 600,
      authMaxAttempts: 10,
      authMaxAttemptsPerEmail: 10,
      maxSubscriptionsPerSocket: 20,
      seedDemo: true,
      logLevel: 'info',
      adminEmails: [],
      trustProxy: false,
    });
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it('derives PUBLIC_URL from PORT and turns SEED_DEMO off with DATABASE_URL', () => {
    const config = loadConfig({ PORT: '4100', DATABASE_URL: 'postgres://localhost/foule' });
    expect(config.publicUrl).toBe('http://localhost:4100');
    expect(config.seedDemo).toBe(false);
  });

  it('lists every bad variable with what it accepts', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        PLATFORM_FEE_BPS: '20000',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        ADMIN_EMAILS: 'a@b.c, nope',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT="abc" is not valid: it accepts an integer from 0 to 65535/);
    expect(problems).toMatch(/PLATFORM_FEE_BPS="20000" .* from 0 to 10000/);
    expect(problems).toMatch(/DATABASE_URL=.*postgres/);
    expect(problems).toMatch(/LOG_LEVEL=.*one of fatal, error/);
    expect(problems).toMatch(/ADMIN_EMAILS=/);
  });

  it('requires JWT_SECRET in production and the webhook secret with a Stripe key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET is required/);
  });

  it('refuses a weak JWT_SECRET in production, saying what a strong one is', () => {
    const production = (secret: string) => () =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: secret,
        DATABASE_URL: 'postgres://localhost/foule',
        SMTP_URL: 'smtp://mail.example.com',
      });
    for (const weak of [
      'x',
      'too-short-but-random-9f8e7d',
      'x'.repeat(64),
      'abcdefghijk'.repeat(4),
      'aabbccddeeffgghh'.repeat(2),
    ]) {
      expect(production(weak)).toThrow(/JWT_SECRET is too weak .* at least 32 bytes of entropy, i.e. at least 32 characters/);
    }
    // What `openssl rand -hex 32` and `openssl rand -base64 48` print.
    for (const strong of [randomBytes(32).toString('hex'), randomBytes(48).toString('base64')]) {
      expect(production(strong)().jwtSecret).toBe(strong);
    }
    expect(isStrongSecret('abcdefghijk'.repeat(4))).toBe(false);
    expect(loadConfig({ JWT_SECRET: 'x' }).jwtSecret).toBe('x');
  });

  it('never seeds the demo crowd in production, and refuses to be asked to', () => {
    const strong = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), SMTP_URL: 'smtp://mail.example.com' };
    expect(loadConfig(strong).seedDemo).toBe(false);
    expect(() => loadConfig({ ...strong, SEED_DEMO: 'true' })).toThrow(/SEED_DEMO creates accounts with a published password/);
    expect(loadConfig({ NODE_ENV: 'development' }).seedDemo).toBe(true);
  });

  it('writes emails to files unless SMTP_URL is set, and requires it in production', () => {
    expect(loadConfig({})).toMatchObject({ smtpUrl: undefined, mailFrom: 'Foule <no-reply@localhost>' });
    const smtp = loadConfig({ SMTP_URL: 'smtps://user:pass@mail.example.com:465', MAIL_FROM: 'Crowd <crowd@example.com>' });
    expect(smtp).toMatchObject({ smtpUrl: 'smtps://user:pass@mail.example.com:465', mailFrom: 'Crowd <crowd@example.com>' });
    const production = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex') };
    expect(() => loadConfig(production)).toThrow(/SMTP_URL is required when NODE_ENV=production/);
    expect(loadConfig({ ...production, SMTP_URL: 'smtp://mail.example.com:587' }).smtpUrl).toBe('smtp://mail.example.com:587');
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(
      /SMTP_URL="http:\/\/mail.example.com" is not valid: it accepts a URL \(smtp, smtps\)/,
    );
    expect(() => loadConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM="nobody" is not valid/);
  });

  it('caps sign-ins per email at AUTH_MAX_ATTEMPTS unless raised, and never below it', () => {
    expect(loadConfig({ AUTH_MAX_ATTEMPTS: '5' }).authMaxAttemptsPerEmail).toBe(5);
    expect(loadConfig({ AUTH_MAX_ATTEMPTS: '5', AUTH_MAX_ATTEMPTS_PER_EMAIL: '50' }).authMaxAttemptsPerEmail).toBe(50);
    expect(() => loadConfig({ AUTH_MAX_ATTEMPTS: '5', AUTH_MAX_ATTEMPTS_PER_EMAIL: '4' })).toThrow(
      /must not be below AUTH_MAX_ATTEMPTS/,
    );
  });

  it('refuses a minimum campaign duration above the maximum', () => {
    expect(() => loadConfig({ CAMPAIGN_MIN_DURATION_SECONDS: '100', CAMPAIGN_MAX_DURATION_SECONDS: '50' })).toThrow(
      /must not exceed/,
    );
  });

  it('runs jobs in the api unless JOBS_IN_PROCESS=false (a worker runs them then)', () => {
    expect(loadConfig({}).jobsInProcess).toBe(true);
    expect(loadConfig({ JOBS_IN_PROCESS: 'false' }).jobsInProcess).toBe(false);
    expect(() => loadConfig({ JOBS_IN_PROCESS: 'sometimes' })).toThrow(/JOBS_IN_PROCESS="sometimes" is not valid: it accepts true or false/);
  });

  it('takes a direct database URL for migrations only beside DATABASE_URL (a pooler in transaction mode)', () => {
    const pooled = 'postgres://foule@pgbouncer:6432/foule';
    const direct = 'postgres://foule@postgres:5432/foule';
    expect(loadConfig({ DATABASE_URL: pooled }).databaseDirectUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct })).toMatchObject({ databaseUrl: pooled, databaseDirectUrl: direct });
    expect(() => loadConfig({ DATABASE_DIRECT_URL: direct })).toThrow(/DATABASE_DIRECT_URL needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'mysql://db/foule' })).toThrow(
      /DATABASE_DIRECT_URL="mysql:\/\/db\/foule" is not valid: it accepts a URL \(postgres, postgresql\)/,
    );
  });

  it('lower-cases admin emails', () => {
    expect(loadConfig({ ADMIN_EMAILS: 'Boss@Example.com, ops@example.com' }).adminEmails).toEqual([
      'boss@example.com',
      'ops@example.com',
    ]);
  });

  it('reads TRUST_PROXY as Express reads `trust proxy`: off, every hop, a hop count, or addresses and ranges', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, loopback ,fd00::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', 'fd00::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY="nginx" is not valid/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
  });
});
