import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentViewer, SignedIn, type Viewer } from '@foule/shared';
import type { NotificationEntity } from './notification.entities';
import { NotificationConnection, NotificationModel } from './notification.model';
import { NotificationService } from './notification.service';

const pageArgs = { type: () => Int, nullable: true, defaultValue: 20 } as const;

@SignedIn()
@Resolver(() => NotificationModel)
export class NotificationResolver {
  constructor(private readonly service: NotificationService) {}

  @SignedIn()
  @Query(() => NotificationConnection, { description: "the viewer's notifications, newest first" })
  notifications(
    @CurrentViewer() viewer: Viewer,
    @Args('unreadOnly', { type: () => Boolean, nullable: true, defaultValue: false }) unreadOnly: boolean,
    @Args('first', pageArgs) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.service.page(viewer, unreadOnly ?? false, { first, after });
  }

  @SignedIn()
  @Mutation(() => Int, {
    description: "all when ids is null; returns how many changed. Ids that are not the viewer's unread notifications are ignored",
  })
  markNotificationsRead(
    @CurrentViewer() viewer: Viewer,
    @Args('ids', { type: () => [ID], nullable: true }) ids: string[] | null,
  ) {
    return this.service.markRead(viewer, ids);
  }

  /** The viewer's own notifications as they are delivered, whichever api instance delivers them. */
  @SignedIn()
  @Subscription(() => NotificationModel, {
    resolve: (event: { notificationAdded: NotificationEntity }) => {
      // Over Redis the payload arrives as JSON: dates are strings again.
      const { createdAt, readAt } = event.notificationAdded;
      return { ...event.notificationAdded, createdAt: new Date(createdAt), readAt: readAt ? new Date(readAt) : null };
    },
  })
  notificationAdded(@CurrentViewer() viewer: Viewer) {
    return this.service.subscribe(viewer);
  }

  @ResolveField(() => Boolean)
  read(@Parent() notification: NotificationEntity) {
    return notification.readAt !== null;
  }
}
