/** Everything the polls part adds to ContestModule, in one list (the module spreads it). */
import { ContestPollsResolver, PollNodes, PollResolver } from './poll.resolver';
import { PollLoaders, PollQueries } from './poll-queries';
import { PollService } from './poll.service';

export const POLL_PROVIDERS = [PollQueries, PollLoaders, PollService, PollResolver, ContestPollsResolver, PollNodes];
