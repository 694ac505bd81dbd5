import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError } from '../errors/domain-error';
import { ACCESS_METADATA, type AccessRule } from './access-rule';
import { hasRole, type Viewer } from './viewer';

/** Applies each resolver's declared access rule; refuses resolvers that declare none. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new DomainError('INTERNAL_SERVER_ERROR', 'This operation declares no access rule');

    let viewer: Viewer | null;
    if (context.getType<string>() === 'graphql') {
      // The part of GraphQLContext the guard reads, named here: graphql/ builds on auth/, not the reverse.
      const gqlContext = GqlExecutionContext.create(context).getContext<{ viewer: Viewer | null; authError?: DomainError }>();
      if (gqlContext.authError) throw gqlContext.authError;
      viewer = gqlContext.viewer;
    } else {
      viewer = context.switchToHttp().getRequest().viewer ?? null;
    }
    return AccessGuard.allows(rule, viewer);
  }

  static allows(rule: AccessRule, viewer: Viewer | null): boolean {
    switch (rule.kind) {
      case 'public':
        return true;
      case 'signedIn':
        if (!viewer) throw DomainError.unauthenticated();
        return true;
      case 'roles':
        if (!viewer) throw DomainError.unauthenticated();
        if (!hasRole(viewer, ...rule.roles)) throw DomainError.forbidden(`This needs the ${rule.roles.join(' or ')} role`);
        return true;
    }
  }
}
