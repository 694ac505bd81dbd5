/**
 * @foule/payments/harness: what the payments harness (scripts/payments-harness.ts) needs
 * below the PaymentsFacade: the ledger itself (raw journal entries, balances) and the provider
 * the app runs with. Test support only, never imported by product code; kept apart from
 * @foule/payments/testing, which the e2e tests load in jest and which must stay free of Nest.
 */
export { LedgerService } from '../src/ledger/ledger.service';
export { PAYMENT_PROVIDER } from '../src/provider/provider.token';
export type { PaymentProvider } from '../src/provider/payment-provider';
