import type { CombinedError } from 'urql';
import { shownError } from './errors';

/** The part of urql's CombinedError that shownError reads. */
const combined = (errors: { message: string; extensions?: Record<string, unknown> }[], networkError?: Error) =>
  ({ graphQLErrors: errors.map((error) => ({ extensions: {}, ...error })), networkError, message: errors[0]?.message ?? 'network' }) as unknown as CombinedError;

describe('errors as a person reads them', () => {
  it('nothing to show without an error', () => {
    expect(shownError(undefined)).toBeNull();
    expect(shownError(null)).toBeNull();
  });

  it('BAD_USER_INPUT: each field’s message by its path, input. prefix dropped', () => {
    const shown = shownError(
      combined([
        {
          message: 'email: is not an email; amount: too small',
          extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'email', message: 'is not an email' }, { path: 'input.amount', message: 'too small' }] },
        },
      ]),
    );
    expect(shown).toEqual({ code: 'BAD_USER_INPUT', message: 'Please fix the fields marked below.', fields: { email: 'is not an email', amount: 'too small' } });
    // Without fields, the api's own message.
    expect(shownError(combined([{ message: 'The request body is too large', extensions: { code: 'BAD_USER_INPUT' } }]))?.message).toBe('The request body is too large');
  });

  it('RATE_LIMITED: try again in N s', () => {
    const shown = shownError(combined([{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 42 } }]));
    expect(shown).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 42, message: 'Too many tries: try again in 42 s.' });
  });

  it('PAYMENT_FAILED: the decline reason and its code', () => {
    expect(shownError(combined([{ message: 'Your card was declined.', extensions: { code: 'PAYMENT_FAILED', declineCode: 'insufficient_funds' } }]))).toMatchObject({
      declineCode: 'insufficient_funds',
      message: 'Payment failed: The card has insufficient funds. (insufficient_funds)',
    });
    // An unknown decline code: the provider's message.
    expect(shownError(combined([{ message: 'Do not honor.', extensions: { code: 'PAYMENT_FAILED', declineCode: 'do_not_honor' } }]))?.message).toBe(
      'Payment failed: Do not honor. (do_not_honor)',
    );
  });

  it('every other code of the contract has its own sentence; unknown ones say it is on our side', () => {
    const codes = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'IDEMPOTENCY_KEY_REUSED', 'QUERY_TOO_COMPLEX', 'INTERNAL_SERVER_ERROR'];
    const messages = codes.map((code) => shownError(combined([{ message: `api says ${code}`, extensions: { code } }]))!.message);
    expect(new Set(messages).size).toBe(codes.length);
    expect(messages[codes.indexOf('CONFLICT')]).toBe('api says CONFLICT');
    expect(shownError(combined([{ message: 'boom' }]))?.message).toBe('Something went wrong on our side. Please try again.');
  });

  it('a network failure without a GraphQL answer', () => {
    expect(shownError(combined([], new Error('Failed to fetch')))).toMatchObject({ code: 'NETWORK' });
  });
});
