/**
 * The one mapper from anything thrown to the contract's error shape: `extensions.code` is
 * always one of ERROR_CODES, BAD_USER_INPUT always carries `extensions.fields`, and nothing
 * internal (stack traces, SQL, library messages) leaves the process outside development.
 */
import { HttpException } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { DomainError, ERROR_CODES, type ErrorCode, type FieldProblem } from './domain-error';

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
};

/** Apollo's and graphql-js' own codes for requests that never reached a resolver. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface ErrorReporter {
  (error: unknown, formatted: GraphQLFormattedError): void;
}

function fieldsFromGraphQLMessage(message: string): FieldProblem[] {
  // graphql-js: 'Variable "$input" got invalid value 5 at "input.handle"; ...' or
  // 'Field "SignUpInput.handle" of required type "String!" was not provided.'
  const at = /at "([^"]+)"/.exec(message);
  const field = /Field "([\w.]+)"/.exec(message);
  const argument = /[Aa]rgument "([\w.]+)"/.exec(message);
  const variable = /Variable "\$(\w+)"/.exec(message);
  const path = at?.[1] ?? field?.[1]?.split('.').pop() ?? argument?.[1] ?? variable?.[1] ?? '';
  return [{ path: path.replace(/^input\./, ''), message }];
}

export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { exposeInternals: boolean; report?: ErrorReporter },
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof DomainError) {
    const extensions: Record<string, unknown> = { ...original.extensions, code: original.code };
    if (original.code === 'BAD_USER_INPUT' && !Array.isArray(extensions.fields)) extensions.fields = [];
    if (original.code === 'INTERNAL_SERVER_ERROR') options.report?.(original, formatted);
    return { ...base, message: original.message, extensions };
  }

  if (original instanceof HttpException) {
    const code = HTTP_STATUS_CODES[original.getStatus()];
    if (code) {
      return { ...base, message: original.message, extensions: { code, ...(code === 'BAD_USER_INPUT' ? { fields: [] } : {}) } };
    }
  }

  const graphQLCode = formatted.extensions?.code;
  if (typeof graphQLCode === 'string' && (original === error || original instanceof GraphQLError)) {
    if (REQUEST_ERROR_CODES.has(graphQLCode)) {
      const fields = Array.isArray(formatted.extensions?.fields)
        ? formatted.extensions.fields
        : fieldsFromGraphQLMessage(formatted.message);
      return { ...base, extensions: { code: 'BAD_USER_INPUT', fields } };
    }
    if ((ERROR_CODES as readonly string[]).includes(graphQLCode) && graphQLCode !== 'INTERNAL_SERVER_ERROR') {
      return { ...base, extensions: { ...formatted.extensions, code: graphQLCode } };
    }
  }

  // graphql-js' own errors about the request (variables that do not coerce, and the like)
  // carry no code and wrap nothing: they describe bad input.
  if (error instanceof GraphQLError && !error.originalError && graphQLCode === undefined) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT', fields: fieldsFromGraphQLMessage(formatted.message) } };
  }

  options.report?.(original, formatted);
  return {
    ...base,
    message: options.exposeInternals && original instanceof Error ? original.message : 'Internal server error',
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      ...(options.exposeInternals && original instanceof Error ? { stacktrace: original.stack?.split('\n') } : {}),
    },
  };
}
