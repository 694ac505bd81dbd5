/** @foule/payments: the payment provider port (Stripe, sandbox), the ledger, payouts, webhooks, idempotency. */
import type { DatabasePart } from '@foule/shared';
import { ChargeEntity } from './charges/charge.entity';
import { CustomerEntity } from './customers/customer.entity';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity';
import { AccountBalanceEntity, JournalEntryEntity, PostingEntity } from './ledger/ledger.entities';
import { PayoutAccountEntity, PayoutEntity } from './payouts/payout.entities';
import { SandboxRequestEntity } from './provider/sandbox/sandbox-request.entity';
import { WebhookEventEntity } from './webhooks/webhook-event.entity';
import { PaymentsInit1795720454367 } from './migrations/1795720454367-PaymentsInit';
import { PayoutKind1796129400000 } from './migrations/1796129400000-PayoutKind';

export { PaymentsModule } from './payments.module';
export { PaymentsFacade, type SavedCard } from './payments.facade';
export type { ChargeResult, ProviderName } from './provider/payment-provider';
export { ProviderError } from './provider/payment-provider';
export { retryTransient } from './provider/provider-calls';
export type { JournalEntryInput, JournalPosting } from './ledger/ledger-rules';
export { LedgerError } from './ledger/ledger-rules';
export type { PledgeMovement } from './ledger/entries/pledge-entries';
export type { CampaignPayoutMovement } from './ledger/entries/campaign-entries';
export type { ContestMoney, PrizeShare } from './ledger/entries/contest-entries';
export type { CampaignFundedContest, RoyaltyMovement } from './ledger/entries/linked-entries';
export { creatorPartOf } from './ledger/entries/campaign-entries';
export type { PayoutKind } from './payouts/payout.entities';
export type { IdempotentRequest, IdempotentRun, OneTransactionRun } from './idempotency/idempotency.service';
export type { CreatePayoutInput } from './payouts/payout.service';
export { addFeeOnTop, basisPointsOf, splitEvenly, splitFee } from './fees/fee-math';
export { PROVIDER_CURRENCIES, isProviderCurrency } from './provider/provider-currencies';

export const paymentsDatabase: DatabasePart = {
  entities: [
    JournalEntryEntity,
    PostingEntity,
    AccountBalanceEntity,
    IdempotencyKeyEntity,
    CustomerEntity,
    ChargeEntity,
    PayoutAccountEntity,
    PayoutEntity,
    WebhookEventEntity,
    SandboxRequestEntity,
  ],
  migrations: [PaymentsInit1795720454367, PayoutKind1796129400000],
};
