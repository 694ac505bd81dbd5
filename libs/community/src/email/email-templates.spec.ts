import { formatDeadline, notificationMessage } from './email-templates';

const base = {
  recipientName: 'Béa <script>',
  appUrl: 'http://localhost:3000/',
  unsubscribeUrl: 'http://localhost:3000/unsubscribe?token=prf_1.PAYMENT_FAILED.sig&x="y"',
};

describe('notification emails', () => {
  it('formats a deadline in UTC, as a person reads it', () => {
    expect(formatDeadline('2026-12-08T10:00:00.000Z')).toBe('Tuesday 8 December 2026 at 10:00 UTC');
    expect(formatDeadline('2026-12-31T23:30:00.000Z')).toBe('Thursday 31 December 2026 at 23:30 UTC');
  });

  it('tells a failed payment what failed, how to fix it and by when, in text and escaped HTML, with an unsubscribe link', () => {
    const email = notificationMessage({
      ...base,
      kind: 'PAYMENT_FAILED',
      message: 'Your payment for "Lamp <b>" failed: card_declined. Fix it ...',
      deadline: '2026-12-08T10:00:00.000Z',
    });
    expect(email.subject).toBe('Action needed: your payment failed, fix it by Tuesday 8 December 2026 at 10:00 UTC');
    expect(email.text).toContain('Hello Béa <script>,');
    expect(email.text).toContain('What failed: Your payment for "Lamp <b>" failed: card_declined.');
    expect(email.text).toContain('How to fix it: sign in to Foule');
    expect(email.text).toContain('By when: Tuesday 8 December 2026 at 10:00 UTC. After that the pledge is dropped');
    expect(email.text).toContain(`Stop PAYMENT_FAILED emails: ${base.unsubscribeUrl}`);
    expect(email.html).toContain('Béa &lt;script&gt;');
    expect(email.html).toContain('Lamp &lt;b&gt;');
    expect(email.html).not.toMatch(/<script>|<b>/);
    expect(email.html).toContain('href="http://localhost:3000/unsubscribe?token=prf_1.PAYMENT_FAILED.sig&amp;x=&quot;y&quot;"');
  });

  it('says so when a failed payment has no known deadline', () => {
    const email = notificationMessage({ ...base, kind: 'PAYMENT_FAILED', message: 'Your payment failed.' });
    expect(email.subject).toBe('Action needed: your payment failed');
    expect(email.text).toContain('Fix it soon');
  });

  it('makes the subject of any other kind from the first sentence of its message, on one line and bounded', () => {
    expect(
      notificationMessage({ ...base, kind: 'CAMPAIGN_SUCCEEDED', message: '"Lamp" reached its goal: pledges are being collected' })
        .subject,
    ).toBe('"Lamp" reached its goal');
    const long = notificationMessage({ ...base, kind: 'CONTEST_WON', message: `You won\r\nthe contest ${'a'.repeat(200)}` });
    expect(long.subject).not.toMatch(/[\r\n]/);
    expect(long.subject.length).toBe(90);
    expect(long.text).toContain('Stop CONTEST_WON emails:');
  });
});
