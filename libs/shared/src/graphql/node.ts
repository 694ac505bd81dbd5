import { Field, ID, InterfaceType } from '@nestjs/graphql';
import { idKind, type IdKind } from '../ids/id';

/** GraphQL type name for each id kind that is a Node. */
export const NODE_TYPE_NAMES: Partial<Record<IdKind, string>> = {
  profile: 'Profile',
  comment: 'Comment',
  notification: 'Notification',
  campaign: 'Campaign',
  rewardTier: 'RewardTier',
  addOn: 'AddOn',
  stretchGoal: 'StretchGoal',
  pledge: 'Pledge',
  campaignUpdate: 'CampaignUpdate',
  contest: 'Contest',
  entry: 'Entry',
  asset: 'Asset',
  poll: 'Poll',
  payoutAccount: 'PayoutAccount',
  payout: 'Payout',
};

@InterfaceType('Node', {
  resolveType: (value: { id: string }) => {
    const kind = idKind(value.id);
    return kind ? NODE_TYPE_NAMES[kind] : undefined;
  },
})
export abstract class Node {
  @Field(() => ID)
  id: string;
}

/**
 * `node(id)` is answered by whichever module owns the id's kind: each module registers a
 * loader for its kinds at start-up, and the Query.node resolver looks the prefix up here.
 */
export type NodeLoader = (id: string, context: unknown) => Promise<{ id: string } | null | undefined>;

export class NodeRegistry {
  private readonly loaders = new Map<IdKind, NodeLoader>();

  register(kind: IdKind, loader: NodeLoader): void {
    if (this.loaders.has(kind)) throw new Error(`A node loader for ${kind} is already registered`);
    this.loaders.set(kind, loader);
  }

  async load(id: string, context: unknown): Promise<{ id: string } | null> {
    const kind = idKind(id);
    const loader = kind && this.loaders.get(kind);
    if (!loader) return null;
    return (await loader(id, context)) ?? null;
  }
}
