/**
 * Every error answered outside GraphQL (unknown routes, the Stripe webhook, uploads, bodies
 * that are not JSON) has GraphQL's error shape, `{ "errors": [{ "message", "extensions":
 * { "code", ... } }] }`, so a client reads one shape whatever the path. DomainErrors are
 * answers, not failures; anything else is logged and answered as a bare 500. In a GraphQL
 * operation the error is left to Apollo and the GraphQL error formatter.
 */
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { Response } from 'express';
import { DomainError, type ErrorCode } from './domain-error';

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYMENT_FAILED: 402,
  QUERY_TOO_COMPLEX: 400,
  INTERNAL_SERVER_ERROR: 500,
};

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
};

/** Sends `{ errors: [{ message, extensions: { code, ...extensions } }] }`, with Retry-After for RATE_LIMITED. */
export function sendHttpError(response: Response, status: number, code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): void {
  const retryAfterSeconds = extensions.retryAfterSeconds;
  if (typeof retryAfterSeconds === 'number') response.setHeader('Retry-After', String(Math.ceil(retryAfterSeconds)));
  const fields = code === 'BAD_USER_INPUT' && !Array.isArray(extensions.fields) ? { fields: [] } : {};
  response.status(status).json({ errors: [{ message, extensions: { ...extensions, ...fields, code } }] });
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter, GqlExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(error: unknown, host: ArgumentsHost) {
    if (host.getType<string>() === 'graphql') return error;
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof DomainError) {
      if (error.code === 'INTERNAL_SERVER_ERROR') this.logger.error(error.message, error.stack);
      return sendHttpError(response, HTTP_STATUS[error.code], error.code, error.message, error.extensions);
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      const status = error.getStatus();
      return sendHttpError(response, status, CODE_OF_STATUS[status] ?? 'BAD_USER_INPUT', error.message);
    }
    this.logger.error(error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined);
    return sendHttpError(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  }
}
