import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';
import { Connection, Node, TextRule } from '@foule/shared';

export const COMMENT_MAX_LENGTH = 5000;

@ObjectType('Comment', { implements: () => [Node] })
export class CommentModel implements Node {
  @Field(() => ID) id: string;
  @Field({ description: 'plain text; empty once deleted' }) body: string;
  @Field(() => ID) subjectId: string;
  @Field(() => ID, { nullable: true, description: 'the root comment of a reply; replies go one level deep' }) parentId:
    string | null;
  @Field() createdAt: Date;
  @Field() deleted: boolean;
}

export const CommentConnection = Connection(CommentModel, 'Comment');

@InputType()
export class AddCommentInput {
  @Field(() => ID, { description: 'a campaign, campaign update, contest or entry' })
  @IsString()
  subjectId: string;

  @Field({ description: `plain text, 1 to ${COMMENT_MAX_LENGTH} characters` })
  @TextRule({ min: 1, max: COMMENT_MAX_LENGTH })
  body: string;

  @Field(() => ID, { nullable: true, description: 'the comment answered; a reply to a reply joins its root thread' })
  @IsOptional()
  @IsString()
  parentId?: string | null;
}
