/**
 * Access rules on field resolvers without Nest's per-field guard. Nest's `fieldResolverEnhancers:
 * ['guards']` runs the guard and the parameter pipeline on every field of every object of a
 * page (a page of 100 campaigns with their tiers is about a thousand calls); without it, a field
 * resolver whose parameters are plain `(parent, args, context)` is called directly by
 * graphql-js. Operations (Query, Mutation, Subscription fields) keep the AccessGuard.
 *
 * So that a field declaring a rule other than @Public() still has it applied, and one declaring
 * none is still refused at run time (fail closed, as the guard did), `guardFieldResolvers` gives
 * each such field resolver a field middleware that applies the rule, as AccessGuard would.
 * It runs once, before Nest reads the resolvers (the GraphQL module's options factory).
 */
import type { FieldMiddleware } from '@nestjs/graphql';
import { DomainError } from '../errors/domain-error';
import { classesOf, type ModuleLike } from './access-audit';
import { ACCESS_METADATA, type AccessRule } from './access-rule';
import { AccessGuard } from './access.guard';
import type { Viewer } from './viewer';

// @nestjs/graphql's metadata keys (graphql.constants), as in access-audit.ts.
const RESOLVER_PROPERTY_METADATA = 'graphql:resolve_property';
const FIELD_RESOLVER_MIDDLEWARE_METADATA = 'graphql:field_resolver_middleware';

/** Methods already given their middleware: test processes build several apps from the same classes. */
const guarded = new WeakSet<object>();

/** The field middleware that applies `rule` (undefined: refuse, as AccessGuard does for an undeclared resolver). */
export function fieldAccessMiddleware(rule: AccessRule | undefined): FieldMiddleware {
  return (({ context }, next) => {
    if (!rule) throw new DomainError('INTERNAL_SERVER_ERROR', 'This operation declares no access rule');
    const { viewer, authError } = context as { viewer?: Viewer | null; authError?: DomainError };
    if (authError) throw authError;
    AccessGuard.allows(rule, viewer ?? null);
    return next();
  }) satisfies FieldMiddleware;
}

/**
 * Gives every field resolver of these modules whose rule (its own, else its class's) is not
 * public a middleware applying it; returns their labels (`Class.method`).
 */
export function guardFieldResolvers(roots: ModuleLike[]): string[] {
  const labels: string[] = [];
  const seen = new Set<unknown>();
  for (const cls of new Set(roots.flatMap((root) => classesOf(root, seen)))) {
    const classRule = Reflect.getMetadata(ACCESS_METADATA, cls) as AccessRule | undefined;
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      const method: unknown = Object.getOwnPropertyDescriptor(cls.prototype, name)?.value;
      if (typeof method !== 'function' || Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) === undefined) continue;
      const rule = (Reflect.getMetadata(ACCESS_METADATA, method) as AccessRule | undefined) ?? classRule;
      if (rule?.kind === 'public') continue;
      labels.push(`${cls.name}.${name}`);
      if (guarded.has(method)) continue;
      guarded.add(method);
      const own = (Reflect.getMetadata(FIELD_RESOLVER_MIDDLEWARE_METADATA, method) as FieldMiddleware[] | undefined) ?? [];
      Reflect.defineMetadata(FIELD_RESOLVER_MIDDLEWARE_METADATA, [fieldAccessMiddleware(rule), ...own], method);
    }
  }
  return labels;
}
