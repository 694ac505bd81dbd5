import { GraphQLError } from 'graphql';
import { formatGraphQLError } from './format-graphql-error';

/** What Apollo hands formatError: the error's JSON with a code defaulted to INTERNAL_SERVER_ERROR. */
const asApolloFormats = (error: GraphQLError) => ({ ...error.toJSON(), extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' } });

describe('formatGraphQLError', () => {
  it("answers graphql-js' variable error limit (past 50 bad values) as BAD_USER_INPUT, not an internal error", () => {
    // Thrown by graphql-js' getVariableValues, without a code, a path or a cause: Apollo does not know it.
    const tooMany = new GraphQLError('Too many errors processing variables, error limit reached. Execution aborted.');
    const report = jest.fn();
    const formatted = formatGraphQLError(asApolloFormats(tooMany), tooMany, { exposeInternals: false, report });
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [{ path: '', message: tooMany.message }] });
    expect(report).not.toHaveBeenCalled();
  });

  it('keeps an error of a resolver without a code internal, and reports it', () => {
    const thrown = new GraphQLError('boom', { path: ['pledge'], originalError: new TypeError('x is undefined') });
    const report = jest.fn();
    const formatted = formatGraphQLError(asApolloFormats(thrown), thrown, { exposeInternals: false, report });
    expect(formatted).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(report).toHaveBeenCalledTimes(1);
  });

  it('keeps a pathless GraphQLError that wraps a thrown Error internal (a plugin that crashed before execution)', () => {
    const wrapped = new GraphQLError('pool ended', { originalError: new Error('pool ended') });
    const formatted = formatGraphQLError(asApolloFormats(wrapped), wrapped, { exposeInternals: false });
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
