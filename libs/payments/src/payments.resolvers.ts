import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommunityFacade, ProfileModel } from '@foule/community';
import { CurrentViewer, MoneyType, Public, Roles, SignedIn, byKeys, paginateById, type GraphQLContext, type Viewer } from '@foule/shared';
import { CustomerService } from './customers/customer.service';
import { LedgerService } from './ledger/ledger.service';
import { LedgerBalanceModel, LedgerCheckModel, PaymentSetupModel, PayoutAccountModel, PayoutConnection, PayoutModel } from './payments.models';
import { ownerOrAdmin } from './payouts/owner-or-admin';
import { PayoutAccountService } from './payouts/payout-account.service';
import type { PayoutAccountEntity, PayoutEntity } from './payouts/payout.entities';
import { PayoutService } from './payouts/payout.service';

@Resolver()
export class PaymentSetupResolver {
  constructor(private readonly customers: CustomerService) {}

  @SignedIn()
  @Mutation(() => PaymentSetupModel)
  startPaymentSetup(@CurrentViewer() viewer: Viewer) {
    return this.customers.startSetup(viewer.profileId);
  }
}

@Resolver(() => PayoutAccountModel)
export class PayoutAccountResolver {
  constructor(private readonly accounts: PayoutAccountService) {}

  @SignedIn()
  @Mutation(() => PayoutAccountModel)
  connectPayoutAccount(@CurrentViewer() viewer: Viewer, @Args('country') country: string) {
    return this.accounts.connect(viewer.profileId, country);
  }

  @Public()
  @ResolveField(() => String, { nullable: true, description: 'where the owner finishes verification, while payouts are not enabled' })
  onboardingUrl(@Parent() account: PayoutAccountEntity) {
    return account.payoutsEnabled ? null : account.onboardingUrl;
  }
}

@Resolver(() => ProfileModel)
export class ProfilePayoutAccountResolver {
  constructor(private readonly accounts: PayoutAccountService) {}

  @Public()
  @ResolveField(() => PayoutAccountModel, { nullable: true, description: "the profile's owner and admins only; null for anyone else" })
  payoutAccount(@Parent() profile: { id: string }, @Context() context: GraphQLContext) {
    if (!ownerOrAdmin(context.viewer, profile.id)) return null;
    return context.loaders
      .get<string, PayoutAccountEntity | null>('payments.payoutAccountByProfile', async (ids) =>
        byKeys(ids, await this.accounts.findByProfiles(ids), (account) => account.profileId),
      )
      .load(profile.id);
  }
}

@Resolver(() => PayoutModel)
export class PayoutResolver {
  constructor(
    private readonly payouts: PayoutService,
    private readonly community: CommunityFacade,
  ) {}

  @SignedIn()
  @Query(() => PayoutConnection)
  myPayouts(
    @CurrentViewer() viewer: Viewer,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return paginateById(this.payouts.listQuery(viewer.profileId), { first, after });
  }

  @Public()
  @ResolveField(() => ProfileModel)
  recipient(@Parent() payout: PayoutEntity, @Context() context: GraphQLContext) {
    return this.community.loadProfile(context, payout.recipientProfileId);
  }

  @Public()
  @ResolveField(() => MoneyType)
  amount(@Parent() payout: PayoutEntity) {
    return MoneyType.of({ amount: payout.amount, currency: payout.currency });
  }
}

@Resolver()
export class LedgerResolver {
  constructor(private readonly ledger: LedgerService) {}

  @Roles('ANALYST', 'ADMIN')
  @Query(() => [LedgerBalanceModel], { description: 'ANALYST or ADMIN' })
  async ledgerBalances(@Args('currency') currency: string) {
    const balances = await this.ledger.balances(currency);
    return balances.map((row) => ({ account: row.account, balance: MoneyType.of({ amount: row.balance, currency: row.currency }) }));
  }

  @Roles('ANALYST', 'ADMIN')
  @Query(() => LedgerCheckModel, { description: 'ANALYST or ADMIN' })
  ledgerCheck() {
    return this.ledger.check();
  }
}
