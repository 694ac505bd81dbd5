import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { Response } from 'express';
import { DomainError } from './domain-error';

const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYMENT_FAILED: 402,
};

/**
 * DomainErrors are answers, not failures: they go to the client as they are (GraphQL's
 * error formatter shapes them) and are not logged as unexpected exceptions.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter, GqlExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost) {
    if (host.getType<string>() === 'graphql') return error;
    const response = host.switchToHttp().getResponse<Response>();
    response.status(HTTP_STATUS[error.code] ?? 500).json({ code: error.code, message: error.message, ...error.extensions });
    return undefined;
  }
}
