import { GraphQLInt, GraphQLObjectType, GraphQLSchema, getIntrospectionQuery, parse } from 'graphql';
import { DEFAULT_QUERY_LIMITS, measureDocument, queryLimitsError } from './query-limits';

describe('measureDocument', () => {
  it('measures depth through fragments and counts aliases', () => {
    const document = parse(`
      query Q { me { ...P a: stats { campaignsBacked } } }
      fragment P on Profile { stats { prizeMoneyWon { currency } } }
    `);
    expect(measureDocument(document, 'Q')).toEqual({ depth: 4, aliases: 1 });
  });

  it('does not loop on self-referencing fragments', () => {
    const document = parse(`{ me { ...A } } fragment A on Profile { id ...A }`);
    expect(measureDocument(document).depth).toBe(2);
  });

  it('lets the standard introspection query through (GraphiQL and codegen send it), still measuring the rest', () => {
    const introspection = parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, oneOf: true }));
    expect(measureDocument(introspection).depth).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxDepth);
    const mixed = parse(`{ __schema { types { name } } me { stats { prizeMoneyWon { currency } } } }`);
    expect(measureDocument(mixed).depth).toBe(4);
  });
});

describe('queryLimitsError', () => {
  // A field's own `complexity` (its extensions, as @Field({ complexity }) sets them) is what it costs.
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        cheap: { type: GraphQLInt },
        aggregate: { type: GraphQLInt, extensions: { complexity: 10_000 } },
      },
    }),
  });

  it('counts the cost a field declares', () => {
    expect(queryLimitsError(schema, parse(`{ cheap aggregate }`), null, {})).toBeUndefined();
    const refusal = queryLimitsError(schema, parse(`{ a: aggregate b: aggregate c: aggregate }`), null, {});
    expect(refusal?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(refusal?.message).toBe(`The query would cost 30000; at most ${DEFAULT_QUERY_LIMITS.maxCost} is allowed`);
  });
});
