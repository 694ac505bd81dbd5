import { Module, type OnModuleInit } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { CommunityFacade, CommunityModule } from '@foule/community';
import { APP_CONFIG, NodeRegistry, byKeys, formatMoney, type GraphQLContext } from '@foule/shared';
import { ChargeRecordsService } from './charges/charge-records.service';
import { CustomerService } from './customers/customer.service';
import { PaymentEvents } from './events/payment-events';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LedgerService } from './ledger/ledger.service';
import { PaymentsFacade } from './payments.facade';
import {
  LedgerResolver,
  PaymentSetupResolver,
  PayoutAccountResolver,
  PayoutResolver,
  ProfilePayoutAccountResolver,
} from './payments.resolvers';
import { ownerOrAdmin } from './payouts/owner-or-admin';
import { PayoutAccountService } from './payouts/payout-account.service';
import type { PayoutEntity } from './payouts/payout.entities';
import { PayoutService } from './payouts/payout.service';
import { createPaymentProvider } from './provider/payment-provider.factory';
import { PAYMENT_PROVIDER } from './provider/provider.token';
import { StripeWebhookController } from './webhooks/stripe-webhook.controller';
import { StripeWebhookService } from './webhooks/stripe-webhook.service';

@Module({
  imports: [CommunityModule],
  controllers: [StripeWebhookController],
  providers: [
    { provide: PAYMENT_PROVIDER, inject: [APP_CONFIG, getDataSourceToken()], useFactory: createPaymentProvider },
    PaymentEvents,
    LedgerService,
    IdempotencyService,
    CustomerService,
    ChargeRecordsService,
    PayoutService,
    PayoutAccountService,
    StripeWebhookService,
    PaymentsFacade,
    PaymentSetupResolver,
    PayoutAccountResolver,
    ProfilePayoutAccountResolver,
    PayoutResolver,
    LedgerResolver,
  ],
  exports: [PaymentsFacade],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly payouts: PayoutService,
    private readonly accounts: PayoutAccountService,
    private readonly events: PaymentEvents,
    private readonly community: CommunityFacade,
  ) {}

  onModuleInit(): void {
    this.nodes.register('payout', async (id, context) => {
      const { loaders, viewer } = context as GraphQLContext;
      const payout = await loaders
        .get<string, PayoutEntity | null>('payments.payoutById', async (ids) => byKeys(ids, await this.payouts.findByIds(ids), (row) => row.id))
        .load(id);
      return payout && ownerOrAdmin(viewer, payout.recipientProfileId) ? payout : null;
    });
    this.nodes.register('payoutAccount', async (id, context) => {
      const account = await this.accounts.findById(id);
      return account && ownerOrAdmin((context as GraphQLContext).viewer, account.profileId) ? account : null;
    });
    // CrowdStats.royaltiesEarned: the ROYALTY payouts a profile received (any not failed), per currency.
    this.community.registerCrowdStats(async (profileIds) => {
      const earned = await this.payouts.earnedByKind(profileIds, 'ROYALTY');
      return new Map([...earned].map(([id, royaltiesEarned]) => [id, { royaltiesEarned }]));
    });
    // PAYOUT_PAID, written in the transaction that records the payout as paid.
    this.events.subscribe(async (event, manager) => {
      if (event.type !== 'payments.payout.paid') return;
      await this.community.notify(manager, {
        key: `${event.type}:${event.payoutId}`,
        kind: 'PAYOUT_PAID',
        message: `${formatMoney(event.money)} is on its way to your bank account (payout ${event.payoutId})`,
        subjectId: event.payoutId,
        relatedIds: [event.sourceId],
        recipients: [event.recipientProfileId],
      });
    });
  }
}
