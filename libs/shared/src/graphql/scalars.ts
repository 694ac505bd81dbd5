import { Kind, GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';

/** `node`: the literal refused, so that the error can name the field it was given for. */
function badInput(message: string, node?: ValueNode): GraphQLError {
  return new GraphQLError(message, { nodes: node, extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDate(value: unknown): Date {
  if (typeof value !== 'string') throw badInput('DateTime must be an ISO-8601 string');
  // A date alone (2026-01-01) or a date-time with an offset or Z: never a local, ambiguous time.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i.test(value)) {
    throw badInput(`"${value}" is not an ISO-8601 date-time with a time zone (e.g. 2026-01-31T12:00:00Z)`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`"${value}" is not a valid date`);
  return date;
}

/** ISO-8601 date-times, always serialized in UTC. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time, UTC',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be an ISO-8601 string', ast);
    return parseDate(ast.value);
  },
});

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badInput('SafeInt must be an integer');
  if (!Number.isSafeInteger(value)) throw badInput('SafeInt must be within ±(2^53 - 1)');
  return value;
}

/** Integers within ±(2^53 - 1): money in minor units does not fit GraphQL's 32-bit Int. */
export const SafeIntScalar = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  description: 'integer within +/-(2^53 - 1)',
  serialize(value) {
    const number = typeof value === 'string' ? Number(value) : (value as number);
    if (!Number.isSafeInteger(number)) throw new GraphQLError(`SafeInt cannot represent ${String(value)}`);
    return number;
  },
  parseValue: parseSafeInt,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.INT) throw badInput('SafeInt must be an integer', ast);
    return parseSafeInt(Number(ast.value));
  },
});
