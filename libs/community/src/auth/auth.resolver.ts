import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { ClientAddress, CurrentViewer, DomainError, Public, SignedIn, type Viewer } from '@foule/shared';
import { AuthPayloadModel } from '../profiles/profile.model';
import { markJustAuthenticated } from '../profiles/profile-owner';
import { SignInInput, SignUpInput } from '../profiles/profile.inputs';
import { AuthService } from './auth.service';

/** The same rules as signUp's password. */
function checkNewPassword(password: string): void {
  if (password.length < 8) throw DomainError.badField('newPassword', 'must be at least 8 characters');
  if (password.length > 200) throw DomainError.badField('newPassword', 'must be at most 200 characters');
}

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayloadModel)
  signUp(@Args('input') input: SignUpInput, @ClientAddress() clientAddress: string) {
    return this.auth.signUp(input, clientAddress).then(markJustAuthenticated);
  }

  @Public()
  @Mutation(() => AuthPayloadModel)
  signIn(@Args('input') input: SignInInput, @ClientAddress() clientAddress: string) {
    return this.auth.signIn(input, clientAddress).then(markJustAuthenticated);
  }

  @Public()
  @Mutation(() => AuthPayloadModel)
  refreshSession(@Args('refreshToken') refreshToken: string) {
    return this.auth.refresh(refreshToken).then(markJustAuthenticated);
  }

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description: 'with the token of a reset link; single use; ends every other session of the profile',
  })
  resetPassword(@Args('token') token: string, @Args('newPassword') newPassword: string) {
    checkNewPassword(newPassword);
    return this.auth.resetPassword(token, newPassword).then(markJustAuthenticated);
  }

  @SignedIn()
  @Mutation(() => Boolean, { description: 'revokes the refresh token' })
  async signOut(@CurrentViewer() viewer: Viewer) {
    await this.auth.signOut(viewer.sessionId);
    return true;
  }
}
