import { ConfigError, loadConfig } from './app-config';

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
      seedDemo: true,
      logLevel: 'info',
      adminEmails: [],
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
      loadConfig({ PORT: 'abc', PLATFORM_FEE_BPS: '20000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ADMIN_EMAILS: 'a@b.c, nope' });
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

  it('refuses a minimum campaign duration above the maximum', () => {
    expect(() => loadConfig({ CAMPAIGN_MIN_DURATION_SECONDS: '100', CAMPAIGN_MAX_DURATION_SECONDS: '50' })).toThrow(/must not exceed/);
  });

  it('lower-cases admin emails', () => {
    expect(loadConfig({ ADMIN_EMAILS: 'Boss@Example.com, ops@example.com' }).adminEmails).toEqual(['boss@example.com', 'ops@example.com']);
  });
});
