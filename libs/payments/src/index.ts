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

export { PaymentsModule } from './payments.module';
export { PaymentsFacade, type SavedCard } from './payments.facade';
export type { ChargeResult, ProviderName } from './provider/payment-provider';
export { ProviderError } from './provider/payment-provider';
export type { JournalEntryInput, JournalPosting } from './ledger/ledger-rules';
export { LedgerError } from './ledger/ledger-rules';
export { LedgerAccounts } from './ledger/ledger-accounts';
export type { IdempotentRequest, IdempotentRun } from './idempotency/idempotency.service';
export type { CreatePayoutInput } from './payouts/payout.service';
export type { PaymentEvent, PaymentEventListener } from './events/payment-event';
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
  migrations: [PaymentsInit1795720454367],
};
