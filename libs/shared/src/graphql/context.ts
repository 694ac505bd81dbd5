import type { Request } from 'express';
import type { Viewer } from '../auth/viewer';
import type { DomainError } from '../errors/domain-error';
import type { LoaderRegistry } from './loader-registry';

/** What every resolver receives as its GraphQL context, over HTTP and over graphql-ws alike. */
export interface GraphQLContext {
  req?: Request;
  viewer: Viewer | null;
  /** A bad token is remembered here and refused by the AccessGuard on the first resolver. */
  authError?: DomainError;
  /** The client address, for per-IP limits of anonymous callers. */
  clientKey: string;
  loaders: LoaderRegistry;
}
