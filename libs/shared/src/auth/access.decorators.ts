/**
 * Every resolver declares who may call it. The AccessGuard refuses any resolver without a
 * declaration (fail closed), and a test walks the schema to find undeclared ones.
 * Finer rules (only the creator, only the backer) live in the services.
 */
import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ACCESS_METADATA, type AccessRule } from './access-rule';
import type { Role, Viewer } from './viewer';


/** Anyone, signed in or not. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
/** Any signed-in profile; ownership is checked by the service. */
export const SignedIn = () => SetMetadata(ACCESS_METADATA, { kind: 'signedIn' } satisfies AccessRule);
/** Signed-in profiles holding at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessRule);

/** The calling profile (null when anonymous), for resolvers. */
export const CurrentViewer = createParamDecorator((_data: unknown, context: ExecutionContext): Viewer | null => {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().viewer ?? null;
  return context.switchToHttp().getRequest().viewer ?? null;
});

/** The caller's network address (GraphQLContext.clientKey), for per-address limits. */
export const ClientAddress = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<{ clientKey: string }>().clientKey; // GraphQLContext's field: graphql/ builds on auth/, not the reverse
  return context.switchToHttp().getRequest<{ ip?: string }>().ip ?? 'unknown';
});
