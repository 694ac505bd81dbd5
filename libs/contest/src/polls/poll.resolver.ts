/**
 * Thin resolvers for polls: createPoll and vote call PollService; Contest.polls and the Poll
 * fields read through the request's DataLoaders (PollLoaders, ContestLoaders), so a page of
 * contests with their polls, options, counts and the viewer's votes costs constant statements.
 * A BACKERS poll is seen by its backers, the holder and admins only (poll-rules.ts, canReadPoll).
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, hasRole, NodeRegistry, Public, SignedIn, type GraphQLContext, type Viewer } from '@foule/shared';
import { ContestLoaders } from '../contest.loaders';
import { ContestModel, EntryModel } from '../contest.models';
import { canSeeContest, canSeeEntry } from '../contest-visibility';
import type { ContestEntity } from '../domain/contest.entity';
import type { EntryEntity } from '../domain/entry.entities';
import type { PollEntity } from './poll.entities';
import { CreatePollInput, PollModel, PollOptionModel } from './poll.models';
import { PollLoaders } from './poll-queries';
import { canReadPoll, isPollOpen } from './poll-rules';
import { PollService } from './poll.service';

interface PollView {
  options: { entry: EntryEntity; votes: number }[];
  viewerVote: EntryEntity | null;
}

/** Whether the request's viewer may read the poll of this contest. */
async function readable(context: GraphQLContext, polls: PollLoaders, poll: PollEntity, contest: ContestEntity): Promise<boolean> {
  if (!canSeeContest(context.viewer, contest)) return false;
  const viewer = context.viewer;
  const isHolder = viewer?.profileId === contest.holderId;
  const isAdmin = hasRole(viewer, 'ADMIN');
  // Only a BACKERS poll, for someone who is neither holder nor admin, asks funding.
  const backs = poll.audience === 'BACKERS' && !isHolder && !isAdmin && poll.campaignId !== null && (await polls.viewerBacks(context, poll.campaignId));
  return canReadPoll(poll.audience, { signedIn: Boolean(viewer), isHolder, isAdmin, backs });
}

@Public()
@Resolver(() => PollModel)
export class PollResolver {
  /** Per poll row of a request (the rows are the request's own objects, so nothing outlives it). */
  private readonly views = new WeakMap<PollEntity, Promise<PollView>>();

  constructor(
    private readonly service: PollService,
    private readonly polls: PollLoaders,
    private readonly contests: ContestLoaders,
  ) {}

  @SignedIn()
  @Mutation(() => PollModel, { description: "by the contest's holder, over 2-8 of its entries; a BACKERS poll needs a contest linked to a campaign; not on blind contests" })
  createPoll(@CurrentViewer() viewer: Viewer, @Args('input') input: CreatePollInput) {
    return this.service.create(viewer, input);
  }

  @SignedIn()
  @Mutation(() => PollModel, { description: 'one vote per profile per poll: voting again moves the vote; none after closesAt or for a withdrawn entry' })
  vote(@CurrentViewer() viewer: Viewer, @Args('pollId', { type: () => ID }) pollId: string, @Args('entryId', { type: () => ID }) entryId: string) {
    return this.service.vote(viewer, pollId, entryId);
  }

  @Public()
  @ResolveField(() => ContestModel)
  contest(@Parent() poll: PollEntity, @Context() context: GraphQLContext) {
    return this.contests.contest(context, poll.contestId);
  }

  @Public()
  @ResolveField(() => Boolean)
  isOpen(@Parent() poll: PollEntity) {
    return isPollOpen(poll, new Date());
  }

  @Public()
  @ResolveField(() => [PollOptionModel], { description: 'in the order the holder listed them, withdrawn entries included (they take no more votes)' })
  async options(@Parent() poll: PollEntity, @Context() context: GraphQLContext) {
    return (await this.view(context, poll)).options;
  }

  @Public()
  @ResolveField(() => Int)
  async totalVotes(@Parent() poll: PollEntity, @Context() context: GraphQLContext) {
    let total = 0;
    for (const votes of (await this.polls.counts(context, poll.id)).values()) total += votes;
    return total;
  }

  @Public()
  @ResolveField(() => EntryModel, { nullable: true, description: "the entry the viewer voted for; null when they have not voted or are not signed in" })
  async viewerVote(@Parent() poll: PollEntity, @Context() context: GraphQLContext): Promise<EntryEntity | null> {
    return (await this.view(context, poll)).viewerVote;
  }

  /**
   * A poll's options (with their entries and counts) and the viewer's vote, loaded together:
   * both fields wait for the same loads and then ask for their entries in the same tick, so a
   * page of polls loads its entries in one batch whatever the timing of the database's answers.
   */
  private view(context: GraphQLContext, poll: PollEntity): Promise<PollView> {
    let view = this.views.get(poll);
    if (!view) {
      view = this.loadView(context, poll);
      this.views.set(poll, view);
    }
    return view;
  }

  private async loadView(context: GraphQLContext, poll: PollEntity): Promise<PollView> {
    const [options, counts, contest, votedEntryId] = await Promise.all([
      this.polls.options(context, poll.id),
      this.polls.counts(context, poll.id),
      this.contests.contest(context, poll.contestId),
      this.polls.viewerVote(context, poll.id),
    ]);
    const entries = await Promise.all(options.map((option) => this.contests.entry(context, option.entryId)));
    const visible = options.flatMap((option, index) => {
      const entry = entries[index];
      return entry && contest && canSeeEntry(context.viewer, entry, contest) ? [{ entry, votes: counts.get(option.entryId) ?? 0 }] : [];
    });
    // A vote is always for one of the poll's options.
    const viewerVote = votedEntryId ? (entries.find((entry) => entry?.id === votedEntryId) ?? null) : null;
    return { options: visible, viewerVote };
  }
}

@Public()
@Resolver(() => ContestModel)
export class ContestPollsResolver {
  constructor(private readonly loaders: PollLoaders) {}

  @Public()
  @ResolveField(() => [PollModel], { description: 'oldest first; a BACKERS poll only for its backers, the holder and admins' })
  async polls(@Parent() contest: ContestEntity, @Context() context: GraphQLContext) {
    const polls = await this.loaders.pollsOf(context, contest.id);
    const allowed = await Promise.all(polls.map((poll) => readable(context, this.loaders, poll, contest)));
    return polls.filter((_, index) => allowed[index]);
  }
}

/** node(id) for polls: null for what the viewer may not read, as Contest.polls leaves it out. */
@Injectable()
export class PollNodes implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly polls: PollLoaders,
    private readonly contests: ContestLoaders,
  ) {}

  onModuleInit(): void {
    this.nodes.register('poll', async (id, context) => {
      const ctx = context as GraphQLContext;
      const poll = await this.polls.poll(ctx, id);
      const contest = poll && (await this.contests.contest(ctx, poll.contestId));
      return poll && contest && (await readable(ctx, this.polls, poll, contest)) ? poll : null;
    });
  }
}
