/**
 * The one validated configuration of Foule. Every variable of RUNTIME.md lives here,
 * with its default; `loadConfig` stops boot with a message naming each bad variable
 * and what it accepts.
 */
import path from 'node:path';
import proxyAddr from 'proxy-addr';

type Parser<T> = { accepts: string; parse: (raw: string) => T | undefined };

const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> => ({
  accepts: `an integer from ${min} to ${max}`,
  parse: (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) return undefined;
    const value = Number(raw);
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
  },
});

const decimal = (min: number, max: number): Parser<number> => ({
  accepts: `a number from ${min} to ${max}`,
  parse: (raw) => {
    const value = Number(raw.trim());
    return raw.trim() !== '' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
  },
});

const text: Parser<string> = { accepts: 'a non-empty string', parse: (raw) => (raw.trim() ? raw.trim() : undefined) };

const url = (protocols: string[]): Parser<string> => ({
  accepts: `a URL (${protocols.join(', ')})`,
  parse: (raw) => {
    try {
      const parsed = new URL(raw.trim());
      return protocols.includes(parsed.protocol.replace(':', '')) ? raw.trim().replace(/\/$/, '') : undefined;
    } catch {
      return undefined;
    }
  },
});

const boolean: Parser<boolean> = {
  accepts: 'true or false',
  parse: (raw) => ({ true: true, false: false, '1': true, '0': false })[raw.trim().toLowerCase()],
};

const emailList: Parser<string[]> = {
  accepts: 'a comma-separated list of email addresses',
  parse: (raw) => {
    const emails = raw
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean);
    return emails.every((email) => /^[^@\s]+@[^@\s]+$/.test(email)) ? emails : undefined;
  },
};

/** One sender, `Name <address>` or a bare address. */
const mailbox: Parser<string> = {
  accepts: 'an email address, optionally with a name: Name <address@example.com>',
  parse: (raw) => (/^([^<>]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/.test(raw.trim()) ? raw.trim() : undefined),
};

/**
 * Entropy cannot be measured from one string, so this asks for what a random secret looks like:
 * at least 32 characters (raw random bytes, base64 or hex), at least 10 distinct ones, and not a
 * shorter unit repeated ("x" * 40, "abcabc..."). What people type as a password fails it.
 */
export function isStrongSecret(secret: string): boolean {
  if (secret.length < 32 || new Set(secret).size < 10) return false;
  for (let unit = 1; unit <= secret.length / 2; unit++) {
    if (secret.length % unit === 0 && secret.slice(0, unit).repeat(secret.length / unit) === secret) return false;
  }
  return true;
}

const oneOf = <T extends string>(values: readonly T[]): Parser<T> => ({
  accepts: `one of ${values.join(', ')}`,
  parse: (raw) => values.find((value) => value === raw.trim()),
});

/**
 * SANDBOX_FAULTS (test and development only): `transient:0.3,lost:0.1,only:transfer|chargeOffSession`.
 * A share of sandbox provider calls fails with a transient error before taking effect (what a
 * 500 looks like) or after it (the response is lost, as with a timeout); `only` limits faults to
 * some port operations.
 */
export interface SandboxFaults {
  transient: number;
  lost: number;
  operations: string[] | null;
}

const sandboxFaults: Parser<SandboxFaults> = {
  accepts:
    'comma-separated transient:<share>, lost:<share> (shares from 0 to 1, summing to at most 1) and only:<operation>|<operation>',
  parse: (raw) => {
    const faults: SandboxFaults = { transient: 0, lost: 0, operations: null };
    for (const part of raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [name, value = ''] = part.split(':', 2).map((item) => item.trim());
      if (name === 'only') {
        const operations = value
          .split('|')
          .map((item) => item.trim())
          .filter(Boolean);
        if (operations.length === 0 || operations.some((operation) => !/^[A-Za-z]+$/.test(operation))) return undefined;
        faults.operations = operations;
      } else if (name === 'transient' || name === 'lost') {
        const share = Number(value);
        if (value === '' || !Number.isFinite(share) || share < 0 || share > 1) return undefined;
        faults[name] = share;
      } else {
        return undefined;
      }
    }
    return faults.transient + faults.lost <= 1 ? faults : undefined;
  },
};

/** FOULE_FAULT (NODE_ENV=test only): `crash-after-provider:payout.transfer`, `crash-before:notifications.delivery`, comma-separated. */
const faultPoints: Parser<string[]> = {
  accepts: 'comma-separated crash-after-provider:<point> or crash-before:<point> (e.g. crash-after-provider:payout.transfer)',
  parse: (raw) => {
    const points = raw.split(',').map((item) => item.trim()).filter(Boolean);
    return points.length > 0 && points.every((point) => /^crash-(after-provider|before):[a-z]+(\.[a-z]+)*$/.test(point)) ? points : undefined;
  },
};

/**
 * TRUST_PROXY, with Express's `trust proxy` semantics: which peers may say, in X-Forwarded-For,
 * whom they forward for. Off by default (the client address is the connection's peer, and
 * X-Forwarded-For is ignored); `true` trusts every hop (only when nothing but the proxy can
 * reach the api); a hop count trusts that many proxies in front of the api; otherwise a
 * comma-separated list of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 */
export type TrustProxy = boolean | number | string[];

const trustProxy: Parser<TrustProxy> = {
  accepts: 'false, true, a hop count (e.g. 1), or a comma-separated list of addresses, CIDR ranges, loopback, linklocal and uniquelocal (e.g. 10.0.0.0/8,loopback)',
  parse: (raw) => {
    const value = raw.trim().toLowerCase();
    if (value === 'false') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
    const addresses = raw.split(',').map((item) => item.trim()).filter(Boolean);
    try {
      proxyAddr.compile(addresses); // throws on an address or range it cannot read
      return addresses.length > 0 ? addresses : undefined;
    } catch {
      return undefined;
    }
  },
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

export interface AppConfig {
  nodeEnv: (typeof NODE_ENVS)[number];
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  /**
   * A direct (session-mode) connection to the same database as DATABASE_URL, for what needs one
   * session across statements: the boot migrations under their session advisory lock. Set when
   * DATABASE_URL goes through a transaction-mode pooler (PgBouncer); DATABASE_URL otherwise.
   */
  databaseDirectUrl?: string;
  redisUrl?: string;
  jwtSecret?: string;
  adminEmails: string[];
  stripeSecretKey?: string;
  stripePublishableKey?: string;
  stripeWebhookSecret?: string;
  /** Where the Stripe SDK sends requests (a local Stripe server in tests); Stripe's own API when unset. */
  stripeApiUrl?: string;
  /** Test and development only: faults the sandbox provider injects. */
  sandboxFaults?: SandboxFaults;
  /** NODE_ENV=test only: named points where the process kills itself (crash tests). */
  faultPoints: string[];
  s3?: { endpoint?: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  platformFeeBps: number;
  contestFeeBps: number;
  campaignMinDurationSeconds: number;
  campaignMaxDurationSeconds: number;
  paymentRetryWindowSeconds: number;
  campaignPayoutDelaySeconds: number;
  /** How many equal payments a PLEDGE_OVER_TIME pledge is split into. */
  pledgeOverTimeIncrements: number;
  /** Time between two payments of a PLEDGE_OVER_TIME pledge. */
  pledgeOverTimeIntervalSeconds: number;
  contestMinRoundSeconds: number;
  contestQualifyingRoundSeconds: number;
  contestFinalistSelectionSeconds: number;
  contestFinalRoundSeconds: number;
  contestWinnerSelectionSeconds: number;
  handoverAutoApproveSeconds: number;
  rateLimitPerMinute: number;
  /** Sign-in attempts per email and client address per 15 minutes; also sign-ups per address answered "already registered". */
  authMaxAttempts: number;
  /** Sign-in attempts per email per 15 minutes from all addresses together. */
  authMaxAttemptsPerEmail: number;
  /** Active subscriptions one graphql-ws socket may hold at once. */
  maxSubscriptionsPerSocket: number;
  /** Which proxies in front of the api are trusted to name the client (X-Forwarded-For): see TrustProxy. */
  trustProxy: TrustProxy;
  seedDemo: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  /** How often idle job workers look for due jobs. */
  jobPollIntervalSeconds: number;
  /** Whether the api runs jobs itself (one process runs everything) or only enqueues them for `apps/worker`. */
  jobsInProcess: boolean;
  /** Where emails go; unset outside production: they are written to DATA_DIR/mail as .eml files. */
  smtpUrl?: string;
  /** The sender of every email. */
  mailFrom: string;
  /** Graceful shutdown: how long requests in flight (and, as long again, running jobs) may take to finish after SIGTERM/SIGINT. */
  shutdownDrainSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads and validates the environment. Throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const read = <T>(name: string, parser: Parser<T>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = parser.parse(raw);
    if (value === undefined) {
      problems.push(`${name}=${JSON.stringify(raw)} is not valid: it accepts ${parser.accepts}`);
      return fallback;
    }
    return value;
  };
  const optional = <T>(name: string, parser: Parser<T>): T | undefined => read<T | undefined>(name, parser, undefined);

  const nodeEnv = read('NODE_ENV', oneOf(NODE_ENVS), 'development');
  const port = read('PORT', integer(0, 65535), 3000);
  const databaseUrl = optional('DATABASE_URL', url(['postgres', 'postgresql']));
  const databaseDirectUrl = optional('DATABASE_DIRECT_URL', url(['postgres', 'postgresql']));
  if (databaseDirectUrl && !databaseUrl) {
    problems.push('DATABASE_DIRECT_URL needs DATABASE_URL: it is a direct connection to the database DATABASE_URL pools (the embedded database needs neither)');
  }
  const jwtSecret = optional('JWT_SECRET', text);
  if (nodeEnv === 'production' && !jwtSecret) problems.push('JWT_SECRET is required when NODE_ENV=production');
  if (nodeEnv === 'production' && jwtSecret && !isStrongSecret(jwtSecret)) {
    problems.push(
      'JWT_SECRET is too weak for NODE_ENV=production: it needs at least 32 bytes of entropy, i.e. at least 32 characters of ' +
        'random data, not a short string repeated (base64 or hex accepted; e.g. `openssl rand -base64 48`)',
    );
  }
  // The demo crowd signs in with a password printed in the README: never in production.
  const seedDemo = read('SEED_DEMO', boolean, !databaseUrl && nodeEnv !== 'production');
  if (seedDemo && nodeEnv === 'production') {
    problems.push('SEED_DEMO creates accounts with a published password; it is refused when NODE_ENV=production');
  }

  const s3Names = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'];
  const s3Bucket = optional('S3_BUCKET', text);
  let s3: AppConfig['s3'];
  if (s3Names.some((name) => env[name])) {
    const region = optional('S3_REGION', text);
    const accessKeyId = optional('S3_ACCESS_KEY_ID', text);
    const secretAccessKey = optional('S3_SECRET_ACCESS_KEY', text);
    if (!s3Bucket || !region || !accessKeyId || !secretAccessKey) {
      problems.push(
        'S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (S3_ENDPOINT is optional)',
      );
    } else {
      s3 = { endpoint: optional('S3_ENDPOINT', url(['http', 'https'])), region, bucket: s3Bucket, accessKeyId, secretAccessKey };
    }
  }

  const stripeSecretKey = optional('STRIPE_SECRET_KEY', text);
  const stripeWebhookSecret = optional('STRIPE_WEBHOOK_SECRET', text);
  if (stripeSecretKey && !stripeWebhookSecret) problems.push('STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
  const faults = optional('SANDBOX_FAULTS', sandboxFaults);
  if (faults && nodeEnv === 'production')
    problems.push('SANDBOX_FAULTS is for tests and development only; unset it when NODE_ENV=production');
  if (faults && stripeSecretKey)
    problems.push('SANDBOX_FAULTS applies to the sandbox provider only; unset it or STRIPE_SECRET_KEY');
  const points = read('FOULE_FAULT', faultPoints, []);
  if (points.length > 0 && nodeEnv !== 'test') problems.push('FOULE_FAULT is honoured only when NODE_ENV=test; unset it');

  const smtpUrl = optional('SMTP_URL', url(['smtp', 'smtps']));
  if (nodeEnv === 'production' && !smtpUrl) {
    problems.push(
      'SMTP_URL is required when NODE_ENV=production (e.g. smtp://user:pass@smtp.example.com:587): without it no email leaves',
    );
  }

  const authMaxAttempts = read('AUTH_MAX_ATTEMPTS', integer(1), 10);
  const authMaxAttemptsPerEmail = read('AUTH_MAX_ATTEMPTS_PER_EMAIL', integer(1), authMaxAttempts);
  if (authMaxAttemptsPerEmail < authMaxAttempts) problems.push('AUTH_MAX_ATTEMPTS_PER_EMAIL must not be below AUTH_MAX_ATTEMPTS');

  const config: AppConfig = {
    nodeEnv,
    port,
    publicUrl: read('PUBLIC_URL', url(['http', 'https']), `http://localhost:${port}`),
    dataDir: path.resolve(read('DATA_DIR', text, './.data')),
    databaseUrl,
    databaseDirectUrl: databaseUrl ? databaseDirectUrl : undefined,
    redisUrl: optional('REDIS_URL', url(['redis', 'rediss'])),
    jwtSecret,
    adminEmails: read('ADMIN_EMAILS', emailList, []),
    stripeSecretKey,
    stripePublishableKey: optional('STRIPE_PUBLISHABLE_KEY', text),
    stripeWebhookSecret,
    stripeApiUrl: optional('STRIPE_API_URL', url(['http', 'https'])),
    sandboxFaults: faults,
    faultPoints: points,
    s3,
    platformFeeBps: read('PLATFORM_FEE_BPS', integer(0, 10000), 500),
    contestFeeBps: read('CONTEST_FEE_BPS', integer(0, 10000), 1000),
    campaignMinDurationSeconds: read('CAMPAIGN_MIN_DURATION_SECONDS', integer(1), 86400),
    campaignMaxDurationSeconds: read('CAMPAIGN_MAX_DURATION_SECONDS', integer(1), 5184000),
    paymentRetryWindowSeconds: read('PAYMENT_RETRY_WINDOW_SECONDS', integer(1), 604800),
    campaignPayoutDelaySeconds: read('CAMPAIGN_PAYOUT_DELAY_SECONDS', integer(0), 1209600),
    pledgeOverTimeIncrements: read('PLEDGE_OVER_TIME_INCREMENTS', integer(2, 12), 3),
    pledgeOverTimeIntervalSeconds: read('PLEDGE_OVER_TIME_INTERVAL_SECONDS', integer(1), 2592000),
    contestMinRoundSeconds: read('CONTEST_MIN_ROUND_SECONDS', integer(1), 86400),
    contestQualifyingRoundSeconds: read('CONTEST_QUALIFYING_ROUND_SECONDS', integer(1), 345600),
    contestFinalistSelectionSeconds: read('CONTEST_FINALIST_SELECTION_SECONDS', integer(1), 345600),
    contestFinalRoundSeconds: read('CONTEST_FINAL_ROUND_SECONDS', integer(1), 259200),
    contestWinnerSelectionSeconds: read('CONTEST_WINNER_SELECTION_SECONDS', integer(1), 1209600),
    handoverAutoApproveSeconds: read('HANDOVER_AUTO_APPROVE_SECONDS', integer(1), 432000),
    rateLimitPerMinute: read('RATE_LIMIT_PER_MINUTE', integer(1), 600),
    authMaxAttempts,
    authMaxAttemptsPerEmail,
    maxSubscriptionsPerSocket: read('MAX_SUBSCRIPTIONS_PER_SOCKET', integer(1), 20),
    trustProxy: read('TRUST_PROXY', trustProxy, false),
    seedDemo,
    logLevel: read('LOG_LEVEL', oneOf(LOG_LEVELS), 'info'),
    jobPollIntervalSeconds: read('JOB_POLL_INTERVAL_SECONDS', decimal(0.5, 60), 1),
    jobsInProcess: read('JOBS_IN_PROCESS', boolean, true),
    smtpUrl,
    mailFrom: read('MAIL_FROM', mailbox, 'Foule <no-reply@localhost>'),
    // Graceful shutdown (apps/api/src/lifecycle.ts).
    shutdownDrainSeconds: read('SHUTDOWN_DRAIN_SECONDS', decimal(0, 600), 10),
  };
  if (config.campaignMinDurationSeconds > config.campaignMaxDurationSeconds) {
    problems.push('CAMPAIGN_MIN_DURATION_SECONDS must not exceed CAMPAIGN_MAX_DURATION_SECONDS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
