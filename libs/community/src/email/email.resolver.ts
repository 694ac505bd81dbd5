import { Args, Field, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ClientAddress, CurrentViewer, Public, SignedIn, type Viewer } from '@foule/shared';
import { ProfileModel } from '../profiles/profile.model';
import { EmailLinkService } from './email-link.service';
import { NotificationSettingsService } from './notification-settings.service';

@ObjectType('NotificationSettings')
export class NotificationSettingsModel {
  @Field(() => [String], { description: 'the notification kinds that are also sent by email' })
  emailKinds: string[];
}

@Resolver()
export class EmailResolver {
  constructor(
    private readonly links: EmailLinkService,
    private readonly settings: NotificationSettingsService,
  ) {}

  @SignedIn()
  @Mutation(() => Boolean, { description: "sends a link to the profile's address" })
  async requestEmailVerification(@CurrentViewer() viewer: Viewer, @ClientAddress() clientAddress: string) {
    await this.links.requestVerification(viewer.profileId, clientAddress);
    return true;
  }

  @Public()
  @Mutation(() => ProfileModel)
  verifyEmail(@Args('token') token: string) {
    return this.links.verify(token);
  }

  @Public()
  @Mutation(() => Boolean, { description: 'always true: it never tells whether an address has an account' })
  async requestPasswordReset(@Args('email') email: string, @ClientAddress() clientAddress: string) {
    await this.links.requestPasswordReset(email, clientAddress);
    return true;
  }

  @SignedIn()
  @Query(() => NotificationSettingsModel)
  notificationSettings(@CurrentViewer() viewer: Viewer) {
    return this.settings.settingsOf(viewer.profileId);
  }

  @SignedIn()
  @Mutation(() => NotificationSettingsModel)
  updateNotificationSettings(
    @CurrentViewer() viewer: Viewer,
    @Args('emailKinds', { type: () => [String] }) emailKinds: string[],
  ) {
    return this.settings.updateEmailKinds(viewer.profileId, emailKinds);
  }
}
