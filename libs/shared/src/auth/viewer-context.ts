import { DomainError } from '../errors/domain-error';
import { AccessTokenService } from './access-token.service';
import type { ViewerDirectory, Viewer } from './viewer';

/** Turns an Authorization header (HTTP) or connectionParams.authorization (graphql-ws) into a Viewer. */
export class ViewerContext {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly directory: ViewerDirectory,
  ) {}

  async fromAuthorization(header: unknown): Promise<{ viewer: Viewer | null; authError?: DomainError }> {
    try {
      const token = AccessTokenService.fromAuthorizationHeader(header);
      if (!token) return { viewer: null };
      const { profileId, sessionId } = this.tokens.verify(token);
      const roles = await this.directory.findRoles(profileId, sessionId);
      if (!roles) return { viewer: null, authError: DomainError.unauthenticated('This session has ended: sign in again') };
      return { viewer: { profileId, sessionId, roles } };
    } catch (error) {
      if (error instanceof DomainError) return { viewer: null, authError: error };
      throw error;
    }
  }
}
