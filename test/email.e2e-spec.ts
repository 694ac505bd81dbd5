/**
 * Email: verification and reset links received by a real SMTP server on loopback and followed;
 * expired links refused as used and unknown ones are; requests for links limited per address and
 * per client address; an SMTP server that is down and comes back; the .eml files written without
 * SMTP_URL.
 */
import { statSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  FollowDocument,
  MyEmailVerifiedDocument,
  NotificationSettingsDocument,
  ProfileEmailVerifiedDocument,
  RefreshForEmailDocument,
  RequestEmailVerificationDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  SignInForEmailDocument,
  UpdateNotificationSettingsDocument,
  VerifyEmailDocument,
} from './documents/graphql';
import { errorCode, signUp } from './support/fixtures';
import { simpleParser } from 'mailparser';
import { createSmtpSink, linkToken, recipients, type SmtpSink } from './support/smtp-sink';
import { createTestApp, type TestApp } from './support/test-app';
import { FUNDING_TEST_ENV, liveCampaign, ok, pledge, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { waitForNotification } from './support/community-fixtures';
import { eventually } from './support/payments-fixtures';
import { gqlFrom } from './support/client-address';

const INVALID_TOKEN = [{ path: 'token', message: 'is not valid or has expired' }];

describe('email over SMTP', () => {
  let smtp: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    smtp = await createSmtpSink();
    app = await createTestApp({ ...FUNDING_TEST_ENV, SMTP_URL: smtp.url, AUTH_MAX_ATTEMPTS: '1000' });
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });

  it('sends a verification link at sign-up, in text and HTML, that verifies the address once', async () => {
    const profile = await signUp(app);
    const mail = await smtp.waitFor(profile.email, /Confirm your email address/);
    expect(mail.html).toContain('/verify-email?token=');
    expect(mail.messageId).toMatch(/^<email-token\.etk_[0-9A-Z]{26}@localhost>$/);
    const token = linkToken(mail, 'verify-email');

    expect((await app.gql(MyEmailVerifiedDocument, {}, profile.token)).data!.me!.emailVerified).toBe(false);
    const verified = await app.gql(VerifyEmailDocument, { token }, profile.token);
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyEmail).toEqual({ id: profile.id, emailVerified: true });
    const stranger = await signUp(app);
    expect(
      (await app.gql(ProfileEmailVerifiedDocument, { handle: profile.handle }, stranger.token)).data!.profile!.emailVerified,
    ).toBeNull();

    const again = await app.gql(VerifyEmailDocument, { token });
    const unknown = await app.gql(VerifyEmailDocument, { token: 'x'.repeat(43) });
    for (const refused of [again, unknown]) {
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions.fields).toEqual(INVALID_TOKEN);
    }
    expect(again.errors![0].message).toBe(unknown.errors![0].message);
  });

  it('sends a new link on request', async () => {
    const profile = await signUp(app);
    await smtp.waitFor(profile.email, /Confirm your email address/);
    expect((await app.gql(RequestEmailVerificationDocument, {}, profile.token)).data!.requestEmailVerification).toBe(true);
    const deadline = Date.now() + 20_000;
    while (
      smtp.received.filter((mail) => recipients(mail).includes(profile.email) && mail.subject?.startsWith('Confirm')).length < 2
    ) {
      if (Date.now() > deadline) throw new Error('the second verification email never came');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('resets a password by the emailed link: new password works, every old session is refused, the link works once', async () => {
    const profile = await signUp(app);
    const otherDevice = (await app.gql(SignInForEmailDocument, { input: { email: profile.email, password: profile.password } }))
      .data!.signIn;
    expect((await app.gql(RequestPasswordResetDocument, { email: profile.email.toUpperCase() })).data!.requestPasswordReset).toBe(
      true,
    );
    const token = linkToken(await smtp.waitFor(profile.email, /Reset your Foule password/), 'reset-password');

    const weak = await app.gql(ResetPasswordDocument, { token, newPassword: 'short' });
    expect(errorCode(weak)).toBe('BAD_USER_INPUT');
    expect(weak.errors![0].extensions.fields).toEqual([{ path: 'newPassword', message: 'must be at least 8 characters' }]);

    // The weak attempt wrote nothing: the same link still works.
    const reset = await app.gql(ResetPasswordDocument, { token, newPassword: 'a brand new passphrase' });
    expect(reset.errors).toBeUndefined();
    expect(reset.data!.resetPassword.profile).toEqual({ id: profile.id, email: profile.email });
    expect((await app.gql(MyEmailVerifiedDocument, {}, reset.data!.resetPassword.accessToken)).data!.me!.id).toBe(profile.id);

    const oldSessions = [
      { accessToken: profile.token, refreshToken: profile.refreshToken },
      { accessToken: otherDevice.accessToken, refreshToken: otherDevice.refreshToken },
    ];
    for (const old of oldSessions) {
      expect((await app.gql(MyEmailVerifiedDocument, {}, old.accessToken)).data?.me ?? null).toBeNull();
      expect(errorCode(await app.gql(RefreshForEmailDocument, { refreshToken: old.refreshToken }))).toBe('UNAUTHENTICATED');
    }
    expect(
      errorCode(await app.gql(SignInForEmailDocument, { input: { email: profile.email, password: profile.password } })),
    ).toBe('UNAUTHENTICATED');
    expect(
      (await app.gql(SignInForEmailDocument, { input: { email: profile.email, password: 'a brand new passphrase' } })).errors,
    ).toBeUndefined();

    const reused = await app.gql(ResetPasswordDocument, { token, newPassword: 'yet another passphrase' });
    expect(reused.errors![0].extensions.fields).toEqual(INVALID_TOKEN);
  });

  it('refuses an expired verification link and an expired reset link as it refuses a used or unknown one, and changes nothing', async () => {
    const profile = await signUp(app);
    const verifyToken = linkToken(await smtp.waitFor(profile.email, /Confirm your email address/), 'verify-email');
    expect((await app.gql(RequestPasswordResetDocument, { email: profile.email })).data!.requestPasswordReset).toBe(true);
    const resetToken = linkToken(await smtp.waitFor(profile.email, /Reset your Foule password/), 'reset-password');
    // Their lifetimes (24 hours and 30 minutes) have passed.
    const expired = await app.sql<{ purpose: string }>(
      `UPDATE community.email_tokens SET expires_at = now() - interval '1 second' WHERE profile_id = $1 RETURNING purpose`,
      [profile.id],
    );
    expect(expired.map((row) => row.purpose).sort()).toEqual(['reset-password', 'verify-email']);

    const unknownVerify = await app.gql(VerifyEmailDocument, { token: 'x'.repeat(43) });
    const unknownReset = await app.gql(ResetPasswordDocument, { token: 'x'.repeat(43), newPassword: 'a brand new passphrase' });
    const expiredVerify = await app.gql(VerifyEmailDocument, { token: verifyToken }, profile.token);
    const expiredReset = await app.gql(ResetPasswordDocument, { token: resetToken, newPassword: 'a brand new passphrase' });
    for (const refused of [unknownVerify, unknownReset, expiredVerify, expiredReset]) {
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions.fields).toEqual(INVALID_TOKEN);
      expect(refused.errors![0].message).toBe(unknownVerify.errors![0].message);
    }

    // Nothing written: the address is still unverified, the old password and session still work, the tokens are unused.
    expect((await app.gql(MyEmailVerifiedDocument, {}, profile.token)).data!.me).toEqual({ id: profile.id, emailVerified: false });
    expect(
      (await app.gql(SignInForEmailDocument, { input: { email: profile.email, password: profile.password } })).errors,
    ).toBeUndefined();
    expect(
      await app.sql(`SELECT purpose FROM community.email_tokens WHERE profile_id = $1 AND used_at IS NOT NULL`, [profile.id]),
    ).toEqual([]);
  });

  it('answers a reset request for an unknown address exactly as for a known one, and sends nothing', async () => {
    const known = await signUp(app);
    const unknownEmail = `nobody-${known.handle}@example.com`;
    const statements = { known: [] as number[], unknown: [] as number[] };
    const millis = { known: [] as number[], unknown: [] as number[] };
    for (let round = 0; round < 10; round++) {
      for (const [which, email] of [
        ['known', known.email],
        ['unknown', unknownEmail],
      ] as const) {
        const started = process.hrtime.bigint();
        const answer = await app.gql(RequestPasswordResetDocument, { email });
        millis[which].push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(answer.data!.requestPasswordReset).toBe(true);
        statements[which].push(answer.extensions!.sqlStatements!);
      }
    }
    // Structurally the same work: the same SQL statements on both paths, every time.
    expect(new Set([...statements.known, ...statements.unknown]).size).toBe(1);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(
      `requestPasswordReset median: known ${median(millis.known).toFixed(1)} ms, unknown ${median(millis.unknown).toFixed(1)} ms`,
    );

    await smtp.waitFor(known.email, /Reset your Foule password/);
    const deadline = Date.now() + 20_000;
    while (
      (await app.sql(`SELECT 1 FROM pgboss.job WHERE name = 'community.email.reset-lookup' AND state <> 'completed'`)).length > 0
    ) {
      if (Date.now() > deadline) throw new Error('reset lookups still pending');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(smtp.received.filter((mail) => recipients(mail).includes(unknownEmail))).toEqual([]);
  });

  it('keeps notification settings: the defaults, a change, and unknown kinds refused', async () => {
    const profile = await signUp(app);
    expect((await app.gql(NotificationSettingsDocument, {}, profile.token)).data!.notificationSettings.emailKinds).toEqual([
      'PAYMENT_FAILED',
      'INCREMENT_FAILED',
      'CAMPAIGN_SUCCEEDED',
      'CAMPAIGN_FAILED',
      'PLEDGE_DROPPED',
      'CONTEST_WON',
      'PAYOUT_PAID',
      'ROYALTY_PAID',
    ]);
    const bad = await app.gql(UpdateNotificationSettingsDocument, { emailKinds: ['PAYMENT_FAILED', 'SPAM'] }, profile.token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions.fields!.map((field) => field.path)).toEqual(['emailKinds.1']);
    const updated = await app.gql(UpdateNotificationSettingsDocument, { emailKinds: ['NEW_FOLLOWER'] }, profile.token);
    expect(updated.data!.updateNotificationSettings.emailKinds).toEqual(['NEW_FOLLOWER']);
    expect((await app.gql(NotificationSettingsDocument, {}, profile.token)).data!.notificationSettings.emailKinds).toEqual([
      'NEW_FOLLOWER',
    ]);
    expect((await fetch(`${app.baseUrl}/unsubscribe?token=${profile.id}.NEW_FOLLOWER.forged`)).status).toBe(400);
  });

  it('emails a failed payment (what failed, how to fix it, by when; text and escaped HTML; unsubscribe link), and not a kind switched off', async () => {
    const creator = await signUpCreator(app);
    // The creator wants no CAMPAIGN_SUCCEEDED (nor PAYOUT_PAID) emails.
    ok(
      await app.gql(UpdateNotificationSettingsDocument, { emailKinds: ['PAYMENT_FAILED'] }, creator.token),
      'updateNotificationSettings',
    );
    const campaign = await liveCampaign(app, creator, { title: 'Lamp <b>bright</b> & co', goal: 1000, deadlineSeconds: 3 });
    const [payer, failer] = [await signUp(app), await signUp(app)];
    ok(await pledge(app, payer, { campaignId: campaign.id, amount: 1500 }), 'pledge');
    const failing = ok(
      await pledge(app, failer, { campaignId: campaign.id, amount: 700, paymentMethodId: 'pm_card_chargeCustomerFail' }),
      'pledge',
    );
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');

    const notification = await waitForNotification(app, failer, 'PAYMENT_FAILED', failing.id);
    const mail = await smtp.waitFor(failer.email, /^Action needed: your payment failed/);
    const iso = /before (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(notification.message)![1];
    const when = new Date(iso);
    const due = `${when.toLocaleString('en-GB', { weekday: 'long', timeZone: 'UTC' })} ${when.getUTCDate()} ${when.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${when.getUTCFullYear()} at ${when.toISOString().slice(11, 16)} UTC`;
    expect(mail.subject).toBe(`Action needed: your payment failed, fix it by ${due}`);
    expect(mail.messageId).toBe(`<notification.${notification.id}@localhost>`);
    expect(mail.text).toContain(`What failed: Your payment for "Lamp <b>bright</b> & co" failed:`);
    expect(mail.text).toContain('How to fix it: sign in to Foule, open the pledge and retry its payment with a working card');
    expect(mail.text).toContain(`By when: ${due}. After that the pledge is dropped`);
    // The HTML part escapes what users wrote.
    expect(mail.html).toContain('Lamp &lt;b&gt;bright&lt;/b&gt; &amp; co');
    expect(mail.html).not.toContain('<b>bright');
    const unsubscribe = /Stop PAYMENT_FAILED emails: (\S+)/.exec(mail.text ?? '')![1];
    expect(unsubscribe).toMatch(new RegExp(`^${app.baseUrl}/unsubscribe\\?token=${failer.id}\\.PAYMENT_FAILED\\.`));
    expect(mail.html).toContain(`href="${unsubscribe}"`);
    // Unfolded (a long header is folded onto a second line).
    const header = (name: string) => mail.headerLines.find((line) => line.key === name)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${unsubscribe}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // The backer who paid hears of the success by email; the creator, who switched it off, does not.
    const succeeded = await smtp.waitFor(payer.email, /reached its goal/);
    expect(succeeded.text).toContain('Stop CAMPAIGN_SUCCEEDED emails:');
    await waitForNotification(app, creator, 'CAMPAIGN_SUCCEEDED', campaign.id);
    await eventually(
      async () =>
        (await app.sql(`SELECT 1 FROM pgboss.job WHERE name = 'community.email.send' AND state <> 'completed'`)).length === 0 ||
        null,
      20_000,
      'every queued email to be sent',
    );
    expect(
      smtp.received.filter((received) => recipients(received).includes(creator.email)).map((received) => received.subject),
    ).toEqual(['Confirm your email address for Foule']);
    // Each notification email once, recorded once.
    const sent = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM community.sent_emails WHERE email_id = $1`, [
      `notification:${notification.id}`,
    ]);
    expect(sent).toEqual([{ n: 1 }]);
    expect(smtp.received.filter((received) => received.messageId === mail.messageId)).toHaveLength(1);

    // The link stops that kind, and only that kind.
    const followed = await fetch(unsubscribe);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('You will no longer receive PAYMENT_FAILED emails');
    const kinds = (await app.gql(NotificationSettingsDocument, {}, failer.token)).data!.notificationSettings.emailKinds;
    expect(kinds).not.toContain('PAYMENT_FAILED');
    expect(kinds).toContain('PLEDGE_DROPPED');
  });
});

describe('email: requests for links limited per address and per client address', () => {
  // AUTH_MAX_ATTEMPTS requests per address and per client address per 15 minutes, for each kind of link.
  const MAX = 3;
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ AUTH_MAX_ATTEMPTS: String(MAX) });
  });
  afterAll(() => app.close());

  /** What a caller can see of an answer: its data, or its error's code, message and extensions. */
  const seen = (result: { data?: unknown; errors?: { message: string; extensions: unknown }[] }) =>
    result.errors ? { code: errorCode(result as never), message: result.errors[0].message, extensions: result.errors[0].extensions } : result.data;
  const resetsFor = (email: string) => (from: string) => gqlFrom(app, from, RequestPasswordResetDocument, { email }).then(seen);
  const allowed = { requestPasswordReset: true };

  const resetLookupsDone = () =>
    eventually(
      async () =>
        (await app.sql(`SELECT 1 FROM pgboss.job WHERE name = 'community.email.reset-lookup' AND state <> 'completed'`)).length === 0 ||
        null,
      20_000,
      'the reset lookups to run',
    );

  it('answers reset requests for a registered and an unknown address alike: true AUTH_MAX_ATTEMPTS times, then RATE_LIMITED from any client', async () => {
    const known = await signUp(app);
    const unknownEmail = `nobody-${known.handle}@example.com`;
    const answers: Record<string, unknown[]> = {};
    for (const [which, email, firstClient, otherClient] of [
      ['known', known.email, '127.0.1.1', '127.0.1.2'],
      ['unknown', unknownEmail, '127.0.1.3', '127.0.1.4'],
    ] as const) {
      const request = resetsFor(email);
      answers[which] = [];
      for (let i = 0; i < MAX; i++) answers[which].push(await request(firstClient));
      // The address's limit, whoever asks: another client address is refused too.
      answers[which].push(await request(otherClient), await request(firstClient));
    }
    expect(answers.known.slice(0, MAX)).toEqual(Array(MAX).fill(allowed));
    expect(answers.known.slice(MAX)).toEqual([
      { code: 'RATE_LIMITED', message: 'Too many emails asked for: wait 15 minutes and try again', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 900 } },
      { code: 'RATE_LIMITED', message: 'Too many emails asked for: wait 15 minutes and try again', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 900 } },
    ]);
    // Nothing tells who is registered: the unknown address gets exactly the same answers.
    expect(answers.unknown).toEqual(answers.known);

    // The registered address got one link per allowed request, the unknown one none.
    await resetLookupsDone();
    const links = await app.sql<{ email: string; n: number }>(
      `SELECT email, count(*)::int AS n FROM community.email_tokens WHERE purpose = 'reset-password' AND email = ANY($1) GROUP BY email`,
      [[known.email, unknownEmail]],
    );
    expect(links).toEqual([{ email: known.email, n: MAX }]);
  });

  it('refuses a client address past AUTH_MAX_ATTEMPTS reset requests, whatever the addresses asked for, and not the next client', async () => {
    const emails = Array.from({ length: MAX + 1 }, (_, i) => `spray-${i}-${Date.now().toString(36)}@example.com`);
    const sprayed = [];
    for (const email of emails) sprayed.push(await resetsFor(email)('127.0.2.1'));
    expect(sprayed.slice(0, MAX)).toEqual(Array(MAX).fill(allowed));
    expect(sprayed[MAX]).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfterSeconds: 900 } });
    // The limit was the client address's: the same address asked for from another client is answered.
    expect(await resetsFor(emails[MAX])('127.0.2.2')).toEqual(allowed);
  });

  it('limits verification emails per address and per client address, and sends one link per allowed request', async () => {
    const profile = await signUp(app);
    const request = (from: string, token = profile.token) => gqlFrom(app, from, RequestEmailVerificationDocument, {}, { token }).then(seen);
    const own = [];
    for (let i = 0; i < MAX; i++) own.push(await request('127.0.3.1'));
    own.push(await request('127.0.3.2'));
    expect(own.slice(0, MAX)).toEqual(Array(MAX).fill({ requestEmailVerification: true }));
    expect(own[MAX]).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfterSeconds: 900 } });
    // The sign-up's link and one per allowed request.
    const links = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM community.email_tokens WHERE purpose = 'verify-email' AND profile_id = $1`,
      [profile.id],
    );
    expect(links).toEqual([{ n: 1 + MAX }]);

    // One client address asking for several profiles' links.
    const others = [];
    for (let i = 0; i <= MAX; i++) others.push(await signUp(app));
    const fromOneClient = [];
    for (const other of others) fromOneClient.push(await request('127.0.3.3', other.token));
    expect(fromOneClient.slice(0, MAX)).toEqual(Array(MAX).fill({ requestEmailVerification: true }));
    expect(fromOneClient[MAX]).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfterSeconds: 900 } });
    expect(await request('127.0.3.4', others[MAX].token)).toEqual({ requestEmailVerification: true });
  });
});

describe('email while the SMTP server is down', () => {
  it('retries with backoff, never blocks the request, and delivers once when the server is back (a link and a notification)', async () => {
    const smtp = await createSmtpSink({ started: false });
    const app = await createTestApp({ SMTP_URL: smtp.url });
    try {
      const profile = await signUp(app);
      // A notification email too: the followed profile asked for NEW_FOLLOWER emails.
      ok(
        await app.gql(UpdateNotificationSettingsDocument, { emailKinds: ['NEW_FOLLOWER'] }, profile.token),
        'updateNotificationSettings',
      );
      const follower = await signUp(app);
      ok(await app.gql(FollowDocument, { id: profile.id }, follower.token), 'follow');
      const deadline = Date.now() + 30_000;
      while (!/email notification:ntf_\w+ to .* not sent \(attempt 1\), retried later/.test(app.output())) {
        if (Date.now() > deadline) throw new Error(`no failed attempt logged:\n${app.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await smtp.start();
      await smtp.waitFor(profile.email, /Confirm your email address/, 60_000);
      await smtp.waitFor(follower.email, /Confirm your email address/, 60_000);
      const followed = await smtp.waitFor(profile.email, /follow/i, 60_000);
      expect(followed.text).toContain('Stop NEW_FOLLOWER emails:');
      const sent = await app.sql(`SELECT 1 FROM community.sent_emails`);
      expect(sent).toHaveLength(3);
      expect(smtp.received).toHaveLength(3);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });
});

describe('email without SMTP_URL', () => {
  it('writes each email to DATA_DIR/mail as a mode 0600 .eml file and logs its link', async () => {
    const app = await createTestApp({ LOG_LEVEL: 'info' });
    try {
      const profile = await signUp(app);
      const mailDir = path.join(app.env.DATA_DIR, 'mail');
      const deadline = Date.now() + 20_000;
      let files: string[] = [];
      while (files.length === 0) {
        if (Date.now() > deadline) throw new Error(`no .eml file in ${mailDir}:\n${app.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        try {
          files = readdirSync(mailDir).filter((file) => file.endsWith('.eml'));
        } catch {
          files = [];
        }
      }
      const file = path.join(mailDir, files[0]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const mail = await simpleParser(readFileSync(file));
      expect(recipients(mail)).toEqual([profile.email]);
      const link = `${app.baseUrl}/verify-email?token=${linkToken(mail, 'verify-email')}`;
      while (!app.output().includes(link)) {
        if (Date.now() > deadline) throw new Error(`the link was not logged:\n${app.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await app.close();
    }
  });
});
