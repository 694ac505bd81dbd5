/**
 * The contests section's GraphQL object types (contract.graphql, "contests"). Plain columns
 * are declared here; computed and related fields are @ResolveFields in the resolvers,
 * batched through the request's DataLoaders (ContestLoaders).
 */
import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, Node } from '@foule/shared';
import { CONTEST_STATUSES } from './domain/contest-status.machine';
import { ENTRY_STATUSES } from './domain/entry-status.machine';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((value) => [value, value])) as { [V in T]: V };

export const ContestStatusEnum = enumOf(CONTEST_STATUSES);
registerEnumType(ContestStatusEnum, {
  name: 'ContestStatus',
  valuesMap: {
    DRAFT: { description: 'created, prize not yet paid' },
    OPEN: { description: 'qualifying round: every designer may submit' },
    FINALIST_SELECTION: { description: 'qualifying round over; the holder picks finalists' },
    FINAL_ROUND: { description: 'finalists revise their entries' },
    WINNER_SELECTION: { description: 'final round over; the holder picks the winner' },
    HANDOVER: { description: 'the winner delivers final files; the holder approves' },
    COMPLETED: { description: 'the prize is released to the winner' },
    CANCELED: {},
  },
});

export const EntryStatusEnum = enumOf(ENTRY_STATUSES);
registerEnumType(EntryStatusEnum, { name: 'EntryStatus' });

@ObjectType('Contest', { implements: () => [Node] })
export class ContestModel implements Node {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() brief: string;
  @Field() category: string;
  @Field(() => ContestStatusEnum) status: string;
  @Field({ description: 'the prize will be awarded whatever happens' }) guaranteed: boolean;
  @Field({ description: 'designers see only their own entries until the contest ends' }) blind: boolean;
  @Field(() => Int) maxFinalists: number;
  @Field(() => Int, { description: "the winner's share of everything the linked campaign collects, in basis points; 0 when none" }) winnerRoyaltyBps: number;
  @Field(() => Date, { nullable: true }) qualifyingEndsAt: Date | null;
  @Field(() => Date, { nullable: true }) finalRoundEndsAt: Date | null;
  @Field() createdAt: Date;
}

@ObjectType('EntryRevision')
export class EntryRevisionModel {
  @Field(() => ID) id: string;
  @Field(() => Int) revision: number;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field() createdAt: Date;
}

@ObjectType('Entry', { implements: () => [Node] })
export class EntryModel implements Node {
  @Field(() => ID) id: string;
  @Field(() => Int, { description: '1, 2, 3... within the contest' }) number: number;
  @Field(() => String, { nullable: true }) title: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => EntryStatusEnum) status: string;
  @Field() submittedAt: Date;
}

@ObjectType('SimilarEntry')
export class SimilarEntryModel {
  @Field(() => EntryModel) entry: EntryModel;
  @Field(() => Int, { description: "perceptual-hash Hamming distance between the two entries' images; 0 = the same picture" }) distance: number;
}

export const ContestConnection = Connection(ContestModel, 'Contest');
export const EntryConnection = Connection(EntryModel, 'Entry');
