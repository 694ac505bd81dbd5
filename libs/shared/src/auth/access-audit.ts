/**
 * Walks modules' resolver classes and lists every GraphQL operation or field resolver that
 * declares no access rule (see access.decorators.ts). `scripts/access-audit.ts` runs it over
 * the whole app, and the e2e suite fails when it finds one.
 */
import 'reflect-metadata';
import { ACCESS_METADATA } from './access-rule';

// @nestjs/graphql's metadata keys (graphql.constants).
const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
const RESOLVER_PROPERTY_METADATA = 'graphql:resolve_property';
const RESOLVER_NAME_METADATA = 'graphql:resolver_name';

/** A class, as Nest modules list providers: something with a name and a prototype. */
type ClassLike = abstract new (...args: never[]) => unknown;
export type ModuleLike = ClassLike | { module: ClassLike; providers?: unknown[]; imports?: unknown[] };

export interface AuditResult {
  checked: string[];
  undeclared: string[];
  /** Root fields served by the audited operations, as `Query.me`, `Mutation.signUp`. */
  operations: string[];
}

/** The provider classes of a module and of everything it imports (static and dynamic modules). */
export function classesOf(root: ModuleLike, seen = new Set<unknown>()): ClassLike[] {
  if (!root || seen.has(root)) return [];
  seen.add(root);
  const moduleClass = typeof root === 'function' ? root : root.module;
  const dynamic: { providers?: unknown[]; imports?: unknown[] } = typeof root === 'function' ? {} : root;
  const providers = [...((Reflect.getMetadata('providers', moduleClass) as unknown[]) ?? []), ...(dynamic.providers ?? [])];
  const imports = [...((Reflect.getMetadata('imports', moduleClass) as unknown[]) ?? []), ...(dynamic.imports ?? [])];
  const classes = providers.filter((provider): provider is ClassLike => typeof provider === 'function');
  for (const imported of imports) classes.push(...classesOf(imported as ModuleLike, seen));
  return classes;
}

export function auditResolverAccess(roots: ModuleLike[]): AuditResult {
  const result: AuditResult = { checked: [], undeclared: [], operations: [] };
  const seen = new Set<unknown>();
  const classes = new Set(roots.flatMap((root) => classesOf(root, seen)));
  for (const cls of classes) {
    const classRule = Reflect.getMetadata(ACCESS_METADATA, cls);
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (name === 'constructor') continue;
      const method = Object.getOwnPropertyDescriptor(cls.prototype, name)?.value;
      if (typeof method !== 'function') continue;
      const isOperation = Reflect.getMetadata(RESOLVER_TYPE_METADATA, method) !== undefined;
      const isField = Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) !== undefined;
      if (!isOperation && !isField) continue;
      const label = `${cls.name}.${name}`;
      result.checked.push(label);
      if (isOperation) {
        const fieldName = (Reflect.getMetadata(RESOLVER_NAME_METADATA, method) as string | undefined) ?? name;
        result.operations.push(`${Reflect.getMetadata(RESOLVER_TYPE_METADATA, method) as string}.${fieldName}`);
      }
      // Operations must say so themselves; field resolvers may inherit their class's rule.
      const declared = Reflect.getMetadata(ACCESS_METADATA, method) ?? (isOperation ? undefined : classRule);
      if (!declared) result.undeclared.push(label);
    }
  }
  return result;
}
