/**
 * Rejects abusive queries before execution with QUERY_TOO_COMPLEX: too deep, too many
 * aliases, or too costly (each field costs 1, and a list with `first: n` multiplies what is
 * beneath it by n; graphql-query-complexity does the arithmetic).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxCost: 25_000 };

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

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
        if (selection.selectionSet) deepest = Math.max(deepest, walk(selection.selectionSet, depth + 1, seen));
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

export function queryLimitsPlugin(getSchema: () => GraphQLSchema, limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const { depth, aliases } = measureDocument(document, request.operationName);
          if (depth > limits.maxDepth) throw tooComplex(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`);
          if (aliases > limits.maxAliases) throw tooComplex(`The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed`);
          let cost: number;
          try {
            cost = getComplexity({
              schema: getSchema(),
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // Variables that do not coerce: execution reports them as BAD_USER_INPUT.
            return;
          }
          if (cost > limits.maxCost) throw tooComplex(`The query would cost ${cost}; at most ${limits.maxCost} is allowed`);
        },
      };
    },
  };
}
