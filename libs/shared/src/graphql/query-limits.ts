/**
 * Rejects abusive queries before execution with QUERY_TOO_COMPLEX: too deep, too many
 * aliases, or too costly (each field costs 1 unless it declares its own `complexity`, and a
 * list with `first: n` multiplies what is beneath it by n; graphql-query-complexity does the
 * arithmetic).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  isInputObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxCost: 25_000 };

// A refusal before execution is the request's fault: HTTP 400, as Apollo answers invalid queries.
function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

/**
 * The schema's own introspection fields. Their subtrees are not measured: the standard
 * introspection query (GraphiQL's, codegen's) is 15 levels deep, and introspection's recursion
 * is already bounded by graphql-js's MaxIntrospectionDepthRule, one of the validation rules
 * every request passes.
 */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** Deepest field nesting and number of aliases, following fragments (each once per path). */
export function measureDocument(document: DocumentNode, operationName?: string | null): { depth: number; aliases: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let aliases = 0;
  const walk = (selectionSet: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let deepest = depth;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        if (selection.selectionSet && !INTROSPECTION_FIELDS.has(selection.name.value)) {
          deepest = Math.max(deepest, walk(selection.selectionSet, depth + 1, seen));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth, seen));
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          deepest = Math.max(deepest, walk(fragment.selectionSet, depth, new Set([...seen, fragment.name.value])));
        }
      }
    }
    return deepest;
  };
  let depth = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    depth = Math.max(depth, walk(definition.selectionSet, 1, new Set()));
  }
  return { depth, aliases };
}

const pagedListEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : undefined;
  return first === undefined ? undefined : 1 + first * childComplexity;
};

/** QUERY_TOO_COMPLEX when the operation is too deep, uses too many aliases or costs too much; undefined when it is within the limits. */
export function queryLimitsError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): GraphQLError | undefined {
  const { depth, aliases } = measureDocument(document, operationName);
  if (depth > limits.maxDepth) return tooComplex(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`);
  if (aliases > limits.maxAliases) return tooComplex(`The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed`);
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      // A field's own cost (`complexity` in its @Field options) first: e.g. the analytics aggregates.
      estimators: [fieldExtensionsEstimator(), pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables that do not coerce: execution reports them as BAD_USER_INPUT.
    return undefined;
  }
  return cost > limits.maxCost ? tooComplex(`The query would cost ${cost}; at most ${limits.maxCost} is allowed`) : undefined;
}

/**
 * The variables a document's measure can depend on: those of scalar or enum type (a `first:
 * $n`, an `@include(if: $b)`). An input object's fields never reach the estimators, which read
 * only a field's own `first` argument (every `complexity` in the schema does the same): a
 * mutation's `$input` changes nothing in its cost. Undefined when a variable's type is unknown.
 */
function measuredVariables(document: DocumentNode, schema: GraphQLSchema, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): string | undefined {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName),
  );
  if (!operation) return undefined;
  const kept: unknown[] = [operationName ?? null];
  for (const definition of operation.variableDefinitions ?? []) {
    let type: TypeNode = definition.type;
    while (type.kind !== Kind.NAMED_TYPE) type = type.type;
    const named = schema.getType(type.name.value);
    if (!named) return undefined;
    if (isInputObjectType(named)) continue;
    kept.push(definition.variable.name.value, variables?.[definition.variable.name.value] ?? null);
  }
  return JSON.stringify(kept);
}

/** At most this many measured shapes are kept per document (one per distinct `first`, say). */
const SHAPES_PER_DOCUMENT = 32;

export function queryLimitsPlugin(getSchema: () => GraphQLSchema, limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin {
  // Documents (Apollo hands the same parsed document for the same query text) and, per
  // document, the variables their measure depends on, that were measured within the limits:
  // the same request shape is not walked again for each request (a pledge's idempotency key
  // and amounts change nothing in its cost). Only answers within the limits are kept, so a
  // refusal (and a request whose variables do not coerce) is always measured afresh.
  const withinLimits = new WeakMap<DocumentNode, Set<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const schema = getSchema();
          const shape = measuredVariables(document, schema, request.operationName, request.variables);
          const known = withinLimits.get(document);
          if (shape !== undefined && known?.has(shape)) return;
          const refusal = queryLimitsError(schema, document, request.operationName, request.variables, limits);
          if (refusal) throw refusal;
          if (shape === undefined) return;
          const shapes = known ?? new Set<string>();
          if (shapes.size >= SHAPES_PER_DOCUMENT) shapes.clear();
          shapes.add(shape);
          withinLimits.set(document, shapes);
        },
      };
    },
  };
}
