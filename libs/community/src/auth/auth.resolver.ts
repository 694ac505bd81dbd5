import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Public, SignedIn, type Viewer } from '@foule/shared';
import { AuthPayloadModel } from '../profiles/profile.model';
import { SignInInput, SignUpInput } from '../profiles/profile.inputs';
import { AuthService } from './auth.service';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayloadModel)
  signUp(@Args('input') input: SignUpInput) {
    return this.auth.signUp(input);
  }

  @Public()
  @Mutation(() => AuthPayloadModel)
  signIn(@Args('input') input: SignInInput) {
    return this.auth.signIn(input);
  }

  @Public()
  @Mutation(() => AuthPayloadModel)
  refreshSession(@Args('refreshToken') refreshToken: string) {
    return this.auth.refresh(refreshToken);
  }

  @SignedIn()
  @Mutation(() => Boolean, { description: 'revokes the refresh token' })
  async signOut(@CurrentViewer() viewer: Viewer) {
    await this.auth.signOut(viewer.sessionId);
    return true;
  }
}
