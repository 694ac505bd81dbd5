import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, assertPositiveAmount, normalizeCurrency, type Money } from '@foule/shared';
import { ChargeRecordsService } from './charges/charge-records.service';
import { CustomerService } from './customers/customer.service';
import type { PaymentEventListener } from './events/payment-event';
import { PaymentEvents } from './events/payment-events';
import { IdempotencyService, type IdempotentRequest, type IdempotentRun } from './idempotency/idempotency.service';
import type { JournalEntryInput } from './ledger/ledger-rules';
import { LedgerService } from './ledger/ledger.service';
import type { ChargeResult, PaymentProvider, ProviderName } from './provider/payment-provider';
import { retryTransient } from './provider/provider-calls';
import { isProviderCurrency } from './provider/provider-currencies';
import { paymentFailed, providerErrorToDomain } from './provider/provider-errors';
import { PAYMENT_PROVIDER } from './provider/provider.token';
import { PayoutService, type CreatePayoutInput } from './payouts/payout.service';

/** A card saved for off-session charges: what a pledge keeps to be charged at the deadline. */
export interface SavedCard {
  customerId: string;
  paymentMethodId: string;
}

/**
 * What other modules may ask of payments. Provider calls carry the caller's idempotency keys
 * (derived from its ids, e.g. `pledge:<id>:charge:<attempt>`), so a retry never moves money
 * twice; ledger and payout writes join the caller's transaction.
 */
@Injectable()
export class PaymentsFacade {
  readonly providerName: ProviderName;

  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly customers: CustomerService,
    private readonly charges: ChargeRecordsService,
    private readonly ledger: LedgerService,
    private readonly payouts: PayoutService,
    private readonly idempotency: IdempotencyService,
    private readonly events: PaymentEvents,
  ) {
    this.providerName = provider.name;
  }

  /**
   * Ensures the profile's customer and saves the payment method for off-session use.
   * Unknown id: BAD_USER_INPUT on paymentMethodId. Declined: PAYMENT_FAILED with extensions.declineCode.
   */
  async saveCard(input: { profileId: string; paymentMethodId: string; idempotencyKey: string }): Promise<SavedCard> {
    const customerId = await this.customers.ensure(input.profileId);
    const result = await this.userFacing(() =>
      this.provider.savePaymentMethod({ customerId, paymentMethodId: input.paymentMethodId, idempotencyKey: input.idempotencyKey }),
    );
    if (result.status === 'failed') throw paymentFailed(result.declineCode, result.message);
    return { customerId, paymentMethodId: result.paymentMethodId };
  }

  /** Charges now, the customer present (flexible pledges, contest prizes by card). Declined: PAYMENT_FAILED with declineCode. */
  async chargeNow(input: {
    profileId: string;
    paymentMethodId: string;
    money: Money;
    idempotencyKey: string;
    description: string;
  }): Promise<{ chargeId: string; customerId: string }> {
    const money = this.chargeable(input.money);
    const customerId = await this.customers.ensure(input.profileId);
    const result = await this.userFacing(() =>
      this.provider.chargeOnSession({
        customerId,
        paymentMethodId: input.paymentMethodId,
        money,
        idempotencyKey: input.idempotencyKey,
        description: input.description,
      }),
    );
    await this.record(result, customerId, money);
    if (result.status === 'failed') throw paymentFailed(result.declineCode, result.message, result.requiresAction);
    return { chargeId: result.chargeId, customerId };
  }

  /**
   * Charges a saved card off-session (at a campaign's deadline). A decline is a returned
   * failed result; a transient provider failure throws, and the caller's job retries with
   * the same idempotency key.
   */
  async chargeSavedCard(input: { card: SavedCard; money: Money; idempotencyKey: string; description: string }): Promise<ChargeResult> {
    const money = this.chargeable(input.money);
    let result: ChargeResult;
    try {
      result = await this.provider.chargeOffSession({
        customerId: input.card.customerId,
        paymentMethodId: input.card.paymentMethodId,
        money,
        idempotencyKey: input.idempotencyKey,
        description: input.description,
      });
    } catch (error) {
      throw providerErrorToDomain(error);
    }
    await this.record(result, input.card.customerId, money);
    return result;
  }

  async refund(input: { chargeId: string; money: Money; idempotencyKey: string }): Promise<{ refundId: string }> {
    const money = this.chargeable(input.money);
    return this.userFacing(() => this.provider.refund({ chargeId: input.chargeId, money, idempotencyKey: input.idempotencyKey }));
  }

  /** Appends one balanced journal entry inside the caller's transaction; returns its id. Unbalanced: throws a LedgerError. */
  postJournalEntry(manager: EntityManager, entry: JournalEntryInput): Promise<string> {
    return this.ledger.append(manager, entry);
  }

  accountBalance(account: string, currency: string, manager?: EntityManager): Promise<number> {
    return this.ledger.balance(account, currency, manager);
  }

  /** Whether the profile has a payout account with payouts enabled. */
  payoutsEnabled(profileId: string): Promise<boolean> {
    return this.payouts.payoutsEnabled(profileId);
  }

  /**
   * In the caller's transaction: a PENDING payout of `money` out of `profile:<recipient>:payable`
   * (which must hold it), transferred by a job once the recipient's payouts are enabled.
   * The same idempotency key is the same payout.
   */
  createPayout(manager: EntityManager, input: CreatePayoutInput): Promise<{ payoutId: string }> {
    return this.payouts.create(manager, input);
  }

  /**
   * The idempotency mechanism for money mutations (see IdempotencyService): the first call
   * runs `work` and stores its JSON result; a replay returns it; another request under the
   * key is IDEMPOTENCY_KEY_REUSED; concurrent calls wait for the first. `work` may call
   * `run.complete(manager, response)` in its own transaction to store the response atomically
   * with its effect.
   */
  runIdempotent<T>(input: IdempotentRequest, work: (run: IdempotentRun) => Promise<T>): Promise<T> {
    return this.idempotency.run(input, work);
  }

  /** Subscribes to payment facts (charges reported by webhooks, payouts paid or failed). */
  onPaymentEvent(listener: PaymentEventListener): void {
    this.events.subscribe(listener);
  }

  private chargeable(money: Money): Money {
    const currency = normalizeCurrency(money.currency, 'currency');
    if (!isProviderCurrency(currency)) throw DomainError.badField('currency', `${currency} is not a currency the payment provider can charge in`);
    assertPositiveAmount(money.amount, 'amount', { maxCharge: true });
    return { amount: money.amount, currency };
  }

  /** A call the user waits for: transient failures retried with the same key, provider errors as DomainErrors. */
  private async userFacing<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await retryTransient(call);
    } catch (error) {
      throw providerErrorToDomain(error);
    }
  }

  private async record(result: ChargeResult, customerId: string, money: Money): Promise<void> {
    if (!result.chargeId) return;
    const fact = result.status === 'succeeded' ? ({ kind: 'succeeded' } as const) : ({ kind: 'failed', declineCode: result.declineCode } as const);
    await this.charges.recordCall({ chargeId: result.chargeId, provider: this.provider.name, customerId, ...money }, fact);
  }
}

