/**
 * Every error code of the contract, said as a person wants to read it. BAD_USER_INPUT carries
 * each field's message (shown beside the field); RATE_LIMITED the seconds to wait; PAYMENT_FAILED
 * the card's decline code.
 */
import type { CombinedError } from 'urql';

export interface ShownError {
  code: string;
  message: string;
  /** BAD_USER_INPUT: message by input path, e.g. `email`, `amount`. */
  fields: Record<string, string>;
  retryAfterSeconds?: number;
  declineCode?: string;
}

const DECLINES: Record<string, string> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  expired_card: 'The card has expired.',
  authentication_required: 'The bank asks for authentication for this card.',
};

export function shownError(error: CombinedError | undefined | null): ShownError | null {
  if (!error) return null;
  if (error.networkError && error.graphQLErrors.length === 0)
    return { code: 'NETWORK', message: 'Cannot reach Foule right now. Check your connection and try again.', fields: {} };
  const first = error.graphQLErrors[0];
  const extensions = (first?.extensions ?? {}) as {
    code?: string;
    fields?: { path: string; message: string }[];
    retryAfterSeconds?: number;
    declineCode?: string;
  };
  const code = extensions.code ?? 'INTERNAL_SERVER_ERROR';
  const fields = Object.fromEntries((extensions.fields ?? []).map((field) => [field.path.replace(/^input\./, ''), field.message]));
  const base = { code, fields };
  switch (code) {
    case 'BAD_USER_INPUT':
      return { ...base, message: Object.keys(fields).length ? 'Please fix the fields marked below.' : first.message };
    case 'RATE_LIMITED': {
      const seconds = extensions.retryAfterSeconds ?? 60;
      return { ...base, retryAfterSeconds: seconds, message: `Too many tries: try again in ${seconds} s.` };
    }
    case 'PAYMENT_FAILED': {
      const decline = extensions.declineCode;
      const reason = (decline && DECLINES[decline]) ?? first.message;
      return { ...base, declineCode: decline, message: `Payment failed: ${reason}${decline ? ` (${decline})` : ''}` };
    }
    case 'UNAUTHENTICATED':
      return { ...base, message: 'Please sign in first.' };
    case 'FORBIDDEN':
      return { ...base, message: `You may not do this: ${first.message}` };
    case 'NOT_FOUND':
      return { ...base, message: 'Not found: it may have been removed, or the link is wrong.' };
    case 'CONFLICT':
      return { ...base, message: first.message };
    case 'IDEMPOTENCY_KEY_REUSED':
      return { ...base, message: 'This attempt was already sent with other details. Start again.' };
    case 'QUERY_TOO_COMPLEX':
      return { ...base, message: 'That asks for too much at once.' };
    default:
      return { ...base, message: 'Something went wrong on our side. Please try again.' };
  }
}
