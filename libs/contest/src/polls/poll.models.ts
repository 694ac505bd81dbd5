/** The polls section's GraphQL types (contract.graphql, "contests"): plain columns here, the rest @ResolveFields in poll.resolver.ts. */
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { Node, TextRule } from '@foule/shared';
import { EntryModel } from '../contest.models';
import { POLL_AUDIENCES, POLL_MAX_OPTIONS, type PollAudience } from './poll-rules';

export const PollAudienceEnum = Object.fromEntries(POLL_AUDIENCES.map((value) => [value, value])) as { [V in PollAudience]: V };
registerEnumType(PollAudienceEnum, {
  name: 'PollAudience',
  valuesMap: {
    PUBLIC: { description: 'any signed-in profile votes (but the holder); anyone who sees the contest reads the counts' },
    BACKERS: {
      description:
        "backers of the contest's campaign, one vote each: profiles holding a PENDING or COLLECTED pledge on it; only they, the holder and admins see the poll",
    },
  },
});

@ObjectType('Poll', {
  implements: () => [Node],
  description:
    'A holder asks the crowd to choose among 2-8 entries of their contest. One vote per profile; voting again moves the vote. Blind contests hold no polls: a poll shows its entries to every voter.',
})
export class PollModel implements Node {
  @Field(() => ID) id: string;
  @Field() question: string;
  @Field(() => PollAudienceEnum) audience: PollAudience;
  @Field({ description: 'no votes from then on' }) closesAt: Date;
}

@ObjectType('PollOption')
export class PollOptionModel {
  @Field(() => EntryModel) entry: EntryModel;
  @Field(() => Int) votes: number;
}

@InputType('CreatePollInput')
export class CreatePollInput {
  @Field(() => ID)
  @IsString()
  contestId: string;

  @Field()
  @TextRule({ min: 1, max: 300 })
  question: string;

  @Field(() => [ID], { description: `${2}-${POLL_MAX_OPTIONS} distinct entries of the contest, none withdrawn, in the order the poll lists them` })
  @IsArray()
  // Past the limit the ids are not even read; the service names the count as the problem for up to this many.
  @ArrayMaxSize(50, { message: `list 2 to ${POLL_MAX_OPTIONS} entries of the contest` })
  @IsString({ each: true })
  entryIds: string[];

  @Field(() => PollAudienceEnum, { nullable: true, defaultValue: 'PUBLIC' })
  @IsOptional()
  @IsIn(POLL_AUDIENCES)
  audience?: PollAudience | null;

  @Field()
  closesAt: Date;
}
