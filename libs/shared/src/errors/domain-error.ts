/**
 * The one error type services throw. Its code is one of the contract's `extensions.code`
 * values; the GraphQL error formatter turns it into the public error shape.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'PAYMENT_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static badInput(fields: FieldProblem[], message?: string): DomainError {
    return new DomainError('BAD_USER_INPUT', message ?? fields.map((field) => `${field.path}: ${field.message}`).join('; '), {
      fields,
    });
  }

  static badField(path: string, message: string): DomainError {
    return DomainError.badInput([{ path, message }]);
  }

  static notFound(what: string, id?: string): DomainError {
    return new DomainError('NOT_FOUND', id ? `${what} ${id} was not found` : `${what} was not found`);
  }

  static forbidden(message = 'You are not allowed to do this'): DomainError {
    return new DomainError('FORBIDDEN', message);
  }

  static unauthenticated(message = 'Sign in to do this'): DomainError {
    return new DomainError('UNAUTHENTICATED', message);
  }

  static conflict(message: string): DomainError {
    return new DomainError('CONFLICT', message);
  }

  static rateLimited(message: string, retryAfterSeconds?: number): DomainError {
    return new DomainError('RATE_LIMITED', message, retryAfterSeconds ? { retryAfterSeconds } : {});
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
