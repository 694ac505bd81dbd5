import { DomainError } from '@foule/shared';
import { ProviderError } from './payment-provider';

/**
 * What a provider error means to the client of a mutation: our input was wrong
 * (BAD_USER_INPUT naming the field), or an idempotency key was reused with other parameters.
 * Anything else (transient failures that outlived their retries) stays an unexpected error.
 */
export function providerErrorToDomain(error: unknown, fieldPaths: Record<string, string> = {}): unknown {
  if (!(error instanceof ProviderError)) return error;
  if (error.kind === 'idempotency_mismatch') {
    return new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with other payment details');
  }
  if (error.kind === 'invalid_request') {
    const path = error.param ? (fieldPaths[error.param] ?? error.param) : 'input';
    return DomainError.badField(path, error.message);
  }
  return error;
}

export function paymentFailed(declineCode: string, message: string, requiresAction = false): DomainError {
  return new DomainError('PAYMENT_FAILED', message, { declineCode, ...(requiresAction ? { requiresAction: true } : {}) });
}
