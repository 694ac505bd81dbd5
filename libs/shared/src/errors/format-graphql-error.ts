/**
 * The one mapper from anything thrown to the contract's error shape: `extensions.code` is
 * always one of ERROR_CODES, BAD_USER_INPUT always carries `extensions.fields`, and nothing
 * internal (stack traces, SQL, library messages) leaves the process outside development.
 */
import { HttpException } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { BREAK, GraphQLError, Kind, parse, visit, type ValueNode } from 'graphql';
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

function fieldsFromGraphQLMessage(message: string, error: unknown): FieldProblem[] {
  // graphql-js: 'Variable "$input" got invalid value 5 at "input.handle"; ...' or
  // 'Field "SignUpInput.handle" of required type "String!" was not provided.'
  const at = /at "([^"]+)"/.exec(message);
  const field = /Field "([\w.]+)"/.exec(message);
  const missingField = /Field "\w+\.(\w+)" of required type/.exec(message);
  const argument = /[Aa]rgument "([\w.]+)"/.exec(message);
  const variable = /Variable "\$(\w+)"/.exec(message);
  const literal = error instanceof GraphQLError ? literalPath(error) : undefined;
  const inLiteral = literal && (missingField ? [...literal, missingField[1]] : literal);
  const path = at?.[1] ?? inLiteral?.join('.') ?? field?.[1]?.split('.').pop() ?? argument?.[1] ?? variable?.[1] ?? '';
  return [{ path: path.replace(/^input\./, ''), message }];
}

/**
 * Where in its argument an inline literal that failed validation sits ("input", "title",
 * "tiers.0.title"): graphql-js points at the value's node, whose position in the request's
 * source finds it again.
 */
function literalPath(error: GraphQLError): string[] | undefined {
  const target = error.nodes?.[0];
  const start = target?.loc?.start;
  if (start === undefined || !error.source) return undefined;
  const matches = (node: { kind: Kind; loc?: { start: number } }) => node.kind === target!.kind && node.loc?.start === start;
  const search = (value: ValueNode, path: string[]): string[] | undefined => {
    if (matches(value)) return path;
    if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        const found = matches(field) ? [...path, field.name.value] : search(field.value, [...path, field.name.value]);
        if (found) return found;
      }
    }
    if (value.kind === Kind.LIST) {
      for (const [index, item] of value.values.entries()) {
        const found = search(item, [...path, String(index)]);
        if (found) return found;
      }
    }
    return undefined;
  };
  let path: string[] | undefined;
  try {
    visit(parse(error.source), {
      Argument(node) {
        path ??= matches(node) ? [node.name.value] : search(node.value, [node.name.value]);
        return path ? BREAK : false;
      },
    });
  } catch {
    return undefined;
  }
  return path;
}

function wrapsOnlyGraphQLErrors(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof GraphQLError) current = current.originalError;
  return current === undefined;
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
        : fieldsFromGraphQLMessage(formatted.message, error);
      return { ...base, extensions: { code: 'BAD_USER_INPUT', fields } };
    }
    if ((ERROR_CODES as readonly string[]).includes(graphQLCode) && graphQLCode !== 'INTERNAL_SERVER_ERROR') {
      // `http` (status, headers) is for the transport: Apollo removes it, graphql-ws does not.
      const { http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions: { ...extensions, code: graphQLCode } };
    }
  }

  // graphql-js' own errors about the request (variables that do not coerce, and the like)
  // carry no code and wrap nothing but other GraphQLErrors (a scalar's refusal): they describe bad input.
  // Over HTTP, Apollo has already defaulted their code to INTERNAL_SERVER_ERROR when it does not
  // recognise them: graphql-js' "Too many errors processing variables" (past 50 bad values) is one.
  // Thrown before execution, they have no path; an error of a resolver always has one.
  const beforeExecution = error instanceof GraphQLError && error.path === undefined;
  if ((graphQLCode === undefined || (graphQLCode === 'INTERNAL_SERVER_ERROR' && beforeExecution)) && wrapsOnlyGraphQLErrors(error)) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT', fields: fieldsFromGraphQLMessage(formatted.message, error) } };
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
