/**
 * What each email says, in a plain-text and an HTML part (pure). Everything interpolated into
 * the HTML is escaped: display names are user input.
 */
export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailLink {
  recipientName: string;
  url: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

interface Link {
  label: string;
  url: string;
}

function compose(subject: string, paragraphs: string[], action: Link, footer: string, unsubscribe?: Link): ComposedEmail {
  const text = [
    ...paragraphs,
    `${action.label}: ${action.url}`,
    '',
    '--',
    footer,
    ...(unsubscribe ? [`${unsubscribe.label}: ${unsubscribe.url}`] : []),
  ]
    .join('\n\n')
    .replace(/\n\n\n\n/g, '\n\n');
  const small = 'style="color: #666; font-size: 0.9em"';
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`,
    `<p ${small}>${escapeHtml(footer)}</p>`,
    ...(unsubscribe ? [`<p ${small}><a href="${escapeHtml(unsubscribe.url)}">${escapeHtml(unsubscribe.label)}</a></p>`] : []),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export function verifyEmailMessage({ recipientName, url }: EmailLink): ComposedEmail {
  return compose(
    'Confirm your email address for Foule',
    [`Hello ${recipientName},`, 'Please confirm that this is your email address. The link works once, for 24 hours.'],
    { label: 'Confirm my address', url },
    'You get this email because this address was used to sign up to Foule, or a confirmation link was asked for. If that was not you, ignore it.',
  );
}

export function resetPasswordMessage({ recipientName, url }: EmailLink): ComposedEmail {
  return compose(
    'Reset your Foule password',
    [
      `Hello ${recipientName},`,
      'Someone (we hope you) asked to reset the password of your Foule account. The link works once, for 30 minutes; choosing a new password signs out every other session.',
    ],
    { label: 'Choose a new password', url },
    'If you did not ask for this, ignore this email: your password stays as it is.',
  );
}

export interface NotificationEmail {
  recipientName: string;
  kind: string;
  message: string;
  /** When the recipient must act by (ISO 8601), if anything is due. */
  deadline?: string;
  /** Where the action link goes (the web client). */
  appUrl: string;
  unsubscribeUrl: string;
}

/** "Tuesday 8 December 2026 at 10:00 UTC": a deadline as a person reads it, in UTC (we do not know their zone). */
export function formatDeadline(iso: string): string {
  const when = new Date(iso);
  const weekday = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][when.getUTCDay()];
  const month = when.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const time = `${String(when.getUTCHours()).padStart(2, '0')}:${String(when.getUTCMinutes()).padStart(2, '0')}`;
  return `${weekday} ${when.getUTCDate()} ${month} ${when.getUTCFullYear()} at ${time} UTC`;
}

const SUBJECT_LENGTH = 90;

/** A notification as an email: its message, what to do and by when, and a link that stops this kind of email. */
export function notificationMessage(email: NotificationEmail): ComposedEmail {
  const due = email.deadline ? formatDeadline(email.deadline) : undefined;
  const footer = `You get this email because ${email.kind} emails are on in your Foule notification settings.`;
  const unsubscribe = { label: `Stop ${email.kind} emails`, url: email.unsubscribeUrl };
  const hello = `Hello ${email.recipientName},`;
  if (email.kind === 'PAYMENT_FAILED') {
    return compose(
      `Action needed: your payment failed${due ? `, fix it by ${due}` : ''}`,
      [
        hello,
        `What failed: ${email.message}`,
        'How to fix it: sign in to Foule, open the pledge and retry its payment with a working card (or add another card). Your pledge and its reward stay yours meanwhile.',
        due
          ? `By when: ${due}. After that the pledge is dropped and you are not charged.`
          : 'Fix it soon: when the retry window closes the pledge is dropped and you are not charged.',
      ],
      { label: 'Fix my payment', url: email.appUrl },
      footer,
      unsubscribe,
    );
  }
  const firstSentence = /^[^.:!?]*/.exec(email.message.replace(/\s+/g, ' '))![0].trim() || email.kind;
  const subject = firstSentence.length > SUBJECT_LENGTH ? `${firstSentence.slice(0, SUBJECT_LENGTH - 1)}…` : firstSentence;
  return compose(
    subject,
    [hello, email.message, ...(due ? [`By when: ${due}.`] : [])],
    { label: 'Open Foule', url: email.appUrl },
    footer,
    unsubscribe,
  );
}
