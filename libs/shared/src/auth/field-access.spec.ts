import 'reflect-metadata';
import type { FieldMiddleware, MiddlewareContext } from '@nestjs/graphql';
import { DomainError } from '../errors/domain-error';
import { ACCESS_METADATA } from './access-rule';
import { guardFieldResolvers } from './field-access';

// Stand-ins for what @ResolveField and the access decorators record, without Nest.
const field = (target: object, key: string) => Reflect.defineMetadata('graphql:resolve_property', true, (target as any)[key]);
const declare = (target: object, rule: object) => Reflect.defineMetadata(ACCESS_METADATA, rule, target);
const middlewareOf = (method: unknown) => Reflect.getMetadata('graphql:field_resolver_middleware', method as object) as FieldMiddleware[] | undefined;

const analyst = { profileId: 'prf_a', roles: ['ANALYST'] };
const member = { profileId: 'prf_m', roles: ['MEMBER'] };

class FiguresResolver {
  open() {}
  figures() {}
  undeclared() {}
  withOwnMiddleware() {}
}
for (const name of ['open', 'figures', 'undeclared', 'withOwnMiddleware']) field(FiguresResolver.prototype, name);
declare(FiguresResolver.prototype.open, { kind: 'public' });
declare(FiguresResolver.prototype.figures, { kind: 'roles', roles: ['ANALYST'] });
declare(FiguresResolver.prototype.withOwnMiddleware, { kind: 'signedIn' });
const own: FieldMiddleware = (_context, next) => next();
Reflect.defineMetadata('graphql:field_resolver_middleware', [own], FiguresResolver.prototype.withOwnMiddleware);

class InheritingResolver {
  read() {}
}
field(InheritingResolver.prototype, 'read');
declare(InheritingResolver, { kind: 'signedIn' });

class FeatureModule {}
Reflect.defineMetadata('providers', [FiguresResolver, InheritingResolver], FeatureModule);

/** Runs a field middleware as Nest would, with this GraphQL context. */
async function run(middleware: FieldMiddleware, context: object): Promise<unknown> {
  return middleware({ context, source: {}, args: {}, info: {} } as MiddlewareContext, async () => 'resolved');
}

describe('guardFieldResolvers', () => {
  const guarded = guardFieldResolvers([FeatureModule]);

  it('gives every field resolver that is not @Public() a middleware, and leaves public ones to graphql-js', () => {
    expect(guarded.sort()).toEqual(['FiguresResolver.figures', 'FiguresResolver.undeclared', 'FiguresResolver.withOwnMiddleware', 'InheritingResolver.read']);
    expect(middlewareOf(FiguresResolver.prototype.open)).toBeUndefined();
  });

  it('applies the declared rule, as the AccessGuard does', async () => {
    const [figures] = middlewareOf(FiguresResolver.prototype.figures)!;
    await expect(run(figures, { viewer: analyst })).resolves.toBe('resolved');
    await expect(run(figures, { viewer: member })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(run(figures, { viewer: null })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(run(figures, { viewer: analyst, authError: DomainError.unauthenticated('expired') })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("uses the class's rule when the method declares none, and refuses a field resolver with no rule at all", async () => {
    const [read] = middlewareOf(InheritingResolver.prototype.read)!;
    await expect(run(read, { viewer: null })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(run(read, { viewer: member })).resolves.toBe('resolved');
    const [undeclared] = middlewareOf(FiguresResolver.prototype.undeclared)!;
    await expect(run(undeclared, { viewer: analyst })).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it("runs before the field's own middleware, and is added once however many apps are built", () => {
    guardFieldResolvers([FeatureModule]);
    const chain = middlewareOf(FiguresResolver.prototype.withOwnMiddleware)!;
    expect(chain).toHaveLength(2);
    expect(chain[1]).toBe(own);
  });
});
