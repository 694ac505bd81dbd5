import { GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, getIntrospectionQuery, parse, type DocumentNode, type GraphQLError } from 'graphql';
import { DEFAULT_QUERY_LIMITS, measureDocument, queryLimitsError, queryLimitsPlugin } from './query-limits';

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

describe('queryLimitsPlugin', () => {
  const Item = new GraphQLObjectType({ name: 'Item', fields: { n: { type: GraphQLInt } } });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        items: {
          type: new GraphQLList(Item),
          args: { first: { type: GraphQLInt }, filter: { type: new GraphQLInputObjectType({ name: 'Filter', fields: { first: { type: GraphQLInt } } }) } },
        },
      },
    }),
  });
  const limits = { maxDepth: 12, maxAliases: 30, maxCost: 1_000 };
  const plugin = queryLimitsPlugin(() => schema, limits);
  const check = async (document: DocumentNode, variables: Record<string, unknown>) => {
    const hooks = (await plugin.requestDidStart!({} as never)) as { didResolveOperation(context: unknown): Promise<void> };
    return hooks.didResolveOperation({ request: { variables, operationName: null }, document }).then(
      () => 'ok',
      (error: GraphQLError) => error.extensions.code,
    );
  };

  it('measures each `first` a document is sent with: one within the limits measured before does not let a larger one through', async () => {
    const document = parse(`query($n: Int, $filter: Filter) { items(first: $n, filter: $filter) { n } }`);
    expect(await check(document, { n: 10, filter: { first: 1 } })).toBe('ok');
    expect(await check(document, { n: 10, filter: { first: 2 } })).toBe('ok');
    expect(await check(document, { n: 5_000, filter: { first: 1 } })).toBe('QUERY_TOO_COMPLEX');
    expect(await check(document, { n: 10, filter: { first: 1 } })).toBe('ok');
    expect(await check(document, { n: 5_000, filter: { first: 1 } })).toBe('QUERY_TOO_COMPLEX');
  });
});
