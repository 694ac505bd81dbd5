import 'reflect-metadata';
import { auditResolverAccess } from './access-audit';
import { ACCESS_METADATA } from './access-rule';

// Stand-ins for what @Resolver/@Query/@ResolveField and @Public() record, without Nest.
const operation = (target: object, key: string) => Reflect.defineMetadata('graphql:resolver_type', 'Query', (target as any)[key]);
const field = (target: object, key: string) => Reflect.defineMetadata('graphql:resolve_property', true, (target as any)[key]);
const declare = (target: object, rule: object) => Reflect.defineMetadata(ACCESS_METADATA, rule, target);

class DeclaredResolver {
  list() {}
  count() {}
  helper() {}
}
operation(DeclaredResolver.prototype, 'list');
declare(DeclaredResolver.prototype.list, { kind: 'public' });
field(DeclaredResolver.prototype, 'count');
declare(DeclaredResolver, { kind: 'signedIn' });

class UndeclaredResolver {
  secret() {}
  field() {}
}
operation(UndeclaredResolver.prototype, 'secret');
field(UndeclaredResolver.prototype, 'field');
// A class-level rule covers field resolvers, never operations.
declare(UndeclaredResolver, { kind: 'public' });

class FeatureModule {}
Reflect.defineMetadata('providers', [DeclaredResolver], FeatureModule);
class RootModule {}
Reflect.defineMetadata('imports', [FeatureModule, { module: class Dynamic {}, providers: [UndeclaredResolver] }], RootModule);

describe('auditResolverAccess', () => {
  it('finds operations without a method-level declaration, through imports and dynamic modules', () => {
    const result = auditResolverAccess([RootModule]);
    expect(result.checked.sort()).toEqual(['DeclaredResolver.count', 'DeclaredResolver.list', 'UndeclaredResolver.field', 'UndeclaredResolver.secret']);
    expect(result.undeclared).toEqual(['UndeclaredResolver.secret']);
    expect(result.operations.sort()).toEqual(['Query.list', 'Query.secret']);
  });
});
