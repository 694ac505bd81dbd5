/**
 * The one check every text a client sends passes through, over HTTP and graphql-ws alike,
 * before execution: each String or ID value (argument, input object field or list item, inline
 * literal or variable) must be text PostgreSQL can store (no NUL, no lone UTF-16 surrogate) and
 * within a bound. Input object fields carry their own, tighter class-validator bounds; this is
 * the bound of everything else and the backstop of those.
 */
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FieldProblem } from '../errors/domain-error';

/** Ids are short (`cmp_` + a ULID); nothing longer can name anything. */
export const MAX_ID_LENGTH = 100;
/** A String argument outside an input object: handles, slugs, cursors, tokens, a cancellation reason. */
export const MAX_STRING_ARGUMENT_LENGTH = 1000;
/** The longest text any input field accepts (a campaign's description). */
export const MAX_INPUT_TEXT_LENGTH = 50_000;

// NUL, or a surrogate half without its other half: PostgreSQL's text refuses both.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when PostgreSQL can store `text` in a text column. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

function textProblem(text: string, scalar: string, inInputObject: boolean): string | undefined {
  if (!isStorableText(text)) return 'must not contain NUL characters or unpaired surrogates';
  const max = scalar === 'ID' ? MAX_ID_LENGTH : inInputObject ? MAX_INPUT_TEXT_LENGTH : MAX_STRING_ARGUMENT_LENGTH;
  return text.length > max ? `must be at most ${max} characters` : undefined;
}

/** An argument of the operation that runs, with the type its value is read as. */
interface ArgumentSite {
  name: string;
  value: ValueNode;
  type: GraphQLInputType;
}

/**
 * The argument sites of each document, by operation name: walking the whole document with its
 * types on every request was about 2.5% of a pledge request's CPU, and Apollo hands the same
 * parsed document object to every request of the same query text (its document store), so a
 * document is walked once. Per request only the arguments' values are checked (their variables
 * differ); weakly held, so a document Apollo drops is dropped here too.
 */
const sitesByDocument = new WeakMap<DocumentNode, { schema: GraphQLSchema; byOperation: Map<string, ArgumentSite[]> }>();

function argumentSites(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): ArgumentSite[] {
  let cached = sitesByDocument.get(document);
  if (!cached || cached.schema !== schema) sitesByDocument.set(document, (cached = { schema, byOperation: new Map() }));
  const key = operationName ?? '';
  let sites = cached.byOperation.get(key);
  if (sites) return sites;
  sites = [];
  const found = sites;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(node) {
        // Only the operation that runs (fragments are visited wherever they are defined).
        if (operationName && node.name?.value !== operationName) return false;
        return undefined;
      },
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (argument) found.push({ name: node.name.value, value: node.value, type: argument.type });
        return false;
      },
    }),
  );
  cached.byOperation.set(key, sites);
  return sites;
}

/**
 * Every String and ID value of the request that is not storable text or is too long, with the
 * path clients see in `extensions.fields`: the argument's name, or for the `input` argument the
 * field inside it ("title", "tiers.0.title"), as the input validation pipe names them.
 */
export function inputTextProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (text: string, type: GraphQLInputType, path: string[], inInputObject: boolean) => {
    const message = textProblem(text, getNamedType(type).name, inInputObject);
    if (message) problems.push({ path: (path[0] === 'input' ? path.slice(1) : path).join('.') || path[0], message });
  };

  const walkValue = (value: unknown, type: GraphQLInputType, path: string[], inInputObject: boolean): void => {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      // A single value is accepted where a list is expected (input coercion).
      if (Array.isArray(value)) value.forEach((item, index) => walkValue(item, nullable.ofType, [...path, String(index)], inInputObject));
      else walkValue(value, nullable.ofType, path, inInputObject);
    } else if (isInputObjectType(nullable)) {
      if (typeof value !== 'object') return;
      const fields = nullable.getFields();
      for (const [name, fieldValue] of Object.entries(value)) {
        if (fields[name]) walkValue(fieldValue, fields[name].type, [...path, name], true);
      }
    } else if (typeof value === 'string') {
      check(value, nullable, path, inInputObject);
    }
  };

  const walkNode = (node: ValueNode, type: GraphQLInputType, path: string[], inInputObject: boolean): void => {
    const nullable = getNullableType(type);
    switch (node.kind) {
      case Kind.VARIABLE:
        return walkValue(variables?.[node.name.value], type, path, inInputObject);
      case Kind.LIST:
        if (isListType(nullable)) node.values.forEach((item, index) => walkNode(item, nullable.ofType, [...path, String(index)], inInputObject));
        return;
      case Kind.OBJECT:
        if (!isInputObjectType(nullable)) return;
        for (const field of node.fields) {
          const definition = nullable.getFields()[field.name.value];
          if (definition) walkNode(field.value, definition.type, [...path, field.name.value], true);
        }
        return;
      case Kind.STRING:
        return isListType(nullable) ? walkNode(node, nullable.ofType, path, inInputObject) : check(node.value, nullable, path, inInputObject);
      default:
        return;
    }
  };

  for (const site of argumentSites(schema, document, operationName)) walkNode(site.value, site.type, [site.name], false);
  return problems;
}

/** The request-level refusal for those problems: BAD_USER_INPUT, HTTP 400, before anything runs. */
export function inputTextError(problems: FieldProblem[]): GraphQLError {
  return new GraphQLError(problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '), {
    extensions: { code: 'BAD_USER_INPUT', fields: problems, http: { status: 400 } },
  });
}

export function inputTextPlugin(getSchema: () => GraphQLSchema): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const problems = inputTextProblems(getSchema(), document, request.variables, request.operationName);
          if (problems.length > 0) throw inputTextError(problems);
        },
      };
    },
  };
}
