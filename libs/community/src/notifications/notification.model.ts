import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection, Node } from '@foule/shared';

@ObjectType('Notification', { implements: () => [Node] })
export class NotificationModel implements Node {
  @Field(() => ID) id: string;
  @Field({
    description:
      'PLEDGE_RECEIVED, CAMPAIGN_SUCCEEDED, CAMPAIGN_FAILED, PAYMENT_FAILED, PLEDGE_DROPPED, UPDATE_POSTED, PAYOUT_PAID, NEW_FOLLOWER, COMMENT_REPLY, ...',
  })
  kind: string;
  @Field() message: string;
  @Field(() => ID, {
    nullable: true,
    description: 'what the notification is about: a pledge, a campaign, an update, a comment, a profile',
  })
  subjectId: string | null;
  @Field(() => [ID], { description: 'further ids it concerns, e.g. the campaign of a pledge' })
  relatedIds: string[];
  @Field() read: boolean;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) readAt: Date | null;
}

export const NotificationConnection = Connection(NotificationModel, 'Notification');
