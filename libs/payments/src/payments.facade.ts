import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, assertPositiveAmount, normalizeCurrency, type Money } from '@foule/shared';
import { ChargeRecordsService } from './charges/charge-records.service';
import { CustomerService } from './customers/customer.service';
import { IdempotencyService, type IdempotentRequest, type IdempotentRun, type OneTransactionRun } from './idempotency/idempotency.service';
import { campaignPayoutEntry, type CampaignPayoutMovement } from './ledger/entries/campaign-entries';
import { contestOpenedEntry, contestRefundedEntry, prizeAwardedEntry, prizeSplitEntry, type ContestMoney, type PrizeShare } from './ledger/entries/contest-entries';
import {
  pledgeCollectedEntry,
  pledgeIncrementCollectedEntry,
  pledgeIncrementRefundedEntry,
  pledgeRefundedEntry,
  type PledgeIncrementMovement,
  type PledgeMovement,
} from './ledger/entries/pledge-entries';
import {
  contestFundedFromCampaignEntry,
  contestReturnedToCampaignEntry,
  contestReturnedToCreatorEntry,
  royaltyPaidEntry,
  type CampaignFundedContest,
  type RoyaltyMovement,
} from './ledger/entries/linked-entries';
import { LedgerAccounts } from './ledger/ledger-accounts';
import { LedgerService } from './ledger/ledger.service';
import type { ChargeResult, PaymentProvider } from './provider/payment-provider';
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
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly customers: CustomerService,
    private readonly charges: ChargeRecordsService,
    private readonly ledger: LedgerService,
    private readonly payouts: PayoutService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Ensures the profile's customer and saves the payment method for off-session use.
   * Unknown id: BAD_USER_INPUT on paymentMethodId. Declined: PAYMENT_FAILED with extensions.declineCode.
   */
  async saveCard(input: { profileId: string; paymentMethodId: string; idempotencyKey: string; knownCustomerId?: string | null }): Promise<SavedCard> {
    const customerId = input.knownCustomerId ?? (await this.customers.ensure(input.profileId));
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
    /** The profile's customer when the caller already read it (OneTransactionRun.customerId). */
    knownCustomerId?: string | null;
  }): Promise<{ chargeId: string; customerId: string }> {
    const money = this.chargeable(input.money);
    const customerId = input.knownCustomerId ?? (await this.customers.ensure(input.profileId));
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
    const result = await this.chargeSavedCardUnrecorded(input);
    await this.record(result, input.card.customerId, this.chargeable(input.money));
    return result;
  }

  /**
   * chargeSavedCard for a batch: the same provider call, but our record of the charge
   * (payments.charges) is left to recordSavedCardCharges, in the caller's transaction with
   * the batch's other records, so a batch of charges costs one commit of ours, not one each.
   * A record lost to a crash before that commit is made again by the next run, from the
   * provider's answer to the same key (a record made twice is reconciled, never doubled).
   */
  async chargeSavedCardUnrecorded(input: { card: SavedCard; money: Money; idempotencyKey: string; description: string }): Promise<ChargeResult> {
    const money = this.chargeable(input.money);
    try {
      return await this.provider.chargeOffSession({
        customerId: input.card.customerId,
        paymentMethodId: input.card.paymentMethodId,
        money,
        idempotencyKey: input.idempotencyKey,
        description: input.description,
      });
    } catch (error) {
      throw providerErrorToDomain(error);
    }
  }

  /** Our records of charges made by chargeSavedCardUnrecorded, in the caller's transaction: one statement for the charges new to us. */
  async recordSavedCardCharges(
    manager: EntityManager,
    charges: readonly { card: SavedCard; money: Money; result: ChargeResult }[],
  ): Promise<void> {
    const calls = charges.flatMap(({ card, money, result }) => {
      if (!result.chargeId) return [];
      const fact = result.status === 'succeeded' ? ({ kind: 'succeeded' } as const) : ({ kind: 'failed', declineCode: result.declineCode } as const);
      return [{ charge: { chargeId: result.chargeId, provider: this.provider.name, customerId: card.customerId, ...this.chargeable(money) }, fact }];
    });
    await this.charges.recordCalls(manager, calls);
  }

  async refund(input: { chargeId: string; money: Money; idempotencyKey: string }): Promise<{ refundId: string }> {
    const money = this.chargeable(input.money);
    return this.userFacing(() => this.provider.refund({ chargeId: input.chargeId, money, idempotencyKey: input.idempotencyKey }));
  }

  // Named money movements, each appended inside the caller's transaction (so it commits with
  // the state change it records); each returns its journal entry's id. The entries are built
  // in ledger/entries/: callers never name an account or choose a sign.

  /** A pledge's charge succeeded: the provider -> the campaign's escrow. */
  recordPledgeCollected(manager: EntityManager, movement: PledgeMovement): Promise<string> {
    return this.ledger.append(manager, pledgeCollectedEntry(movement));
  }

  /** Many pledges' charges succeeded (a settlement batch): one entry each, as recordPledgeCollected, appended together in order. */
  recordPledgesCollected(manager: EntityManager, movements: readonly PledgeMovement[]): Promise<string[]> {
    return this.ledger.appendMany(manager, movements.map(pledgeCollectedEntry));
  }

  /** A collected pledge was refunded: the campaign's escrow -> the provider. */
  recordPledgeRefunded(manager: EntityManager, movement: PledgeMovement): Promise<string> {
    return this.ledger.append(manager, pledgeRefundedEntry(movement));
  }

  /** One payment of a pledge over time succeeded: the provider -> the campaign's escrow. */
  recordPledgeIncrementCollected(manager: EntityManager, movement: PledgeIncrementMovement): Promise<string> {
    return this.ledger.append(manager, pledgeIncrementCollectedEntry(movement));
  }

  /** A collected payment of a pledge over time was refunded: the campaign's escrow -> the provider. */
  recordPledgeIncrementRefunded(manager: EntityManager, movement: PledgeIncrementMovement): Promise<string> {
    return this.ledger.append(manager, pledgeIncrementRefundedEntry(movement));
  }

  /** A campaign's collected money leaves escrow: the fee to the platform, the rest payable to the creator. */
  recordCampaignPayout(manager: EntityManager, movement: CampaignPayoutMovement): Promise<string> {
    return this.ledger.append(manager, campaignPayoutEntry(movement));
  }

  /** A contest opened: its holder's card paid prize and fee; the prize is held in the contest's escrow, the fee is the platform's. */
  recordContestOpened(manager: EntityManager, money: ContestMoney): Promise<string> {
    return this.ledger.append(manager, contestOpenedEntry(money));
  }

  /** A canceled contest's holder got prize and fee back through the provider: the opening, reversed. */
  recordContestRefunded(manager: EntityManager, money: ContestMoney): Promise<string> {
    return this.ledger.append(manager, contestRefundedEntry(money));
  }

  /** The whole prize, out of the contest's escrow, to the winner's payable (paid out by createPayout). */
  recordPrizeAwarded(manager: EntityManager, input: { contestId: string; winnerId: string; prize: number; currency: string }): Promise<string> {
    return this.ledger.append(manager, prizeAwardedEntry(input));
  }

  /** A guaranteed prize nobody picked a winner for, out of the escrow to each finalist designer's payable. */
  recordPrizeSplit(manager: EntityManager, input: { contestId: string; currency: string; shares: readonly PrizeShare[] }): Promise<string> {
    return this.ledger.append(manager, prizeSplitEntry(input));
  }

  /** A contest's prize and fee paid from its holder's campaign: the campaign's escrow -> the contest's escrow and the platform's fee. */
  recordContestFundedFromCampaign(manager: EntityManager, money: CampaignFundedContest): Promise<string> {
    return this.ledger.append(manager, contestFundedFromCampaignEntry(money));
  }

  /** A campaign-funded contest canceled before the campaign's payout: prize and fee back into the campaign's escrow. */
  recordContestReturnedToCampaign(manager: EntityManager, money: CampaignFundedContest): Promise<string> {
    return this.ledger.append(manager, contestReturnedToCampaignEntry(money));
  }

  /** A campaign-funded contest canceled after the campaign's payout: prize and fee owed to the creator. */
  recordContestReturnedToCreator(manager: EntityManager, money: CampaignFundedContest & { creatorId: string }): Promise<string> {
    return this.ledger.append(manager, contestReturnedToCreatorEntry(money));
  }

  /** The winning designer's royalty, out of the campaign's escrow into the designer's payable. */
  recordRoyaltyPaid(manager: EntityManager, movement: RoyaltyMovement): Promise<string> {
    return this.ledger.append(manager, royaltyPaidEntry(movement));
  }

  /** What a campaign's escrow holds now, in the caller's transaction (read under the caller's campaign lock). */
  campaignEscrowBalance(manager: EntityManager, campaignId: string, currency: string): Promise<number> {
    return this.ledger.balance(LedgerAccounts.campaignEscrow(campaignId), currency, manager);
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

  /**
   * The same mechanism in fewer statements (see IdempotencyService.runInOneTransaction): the key
   * is read once, with the profile's provider customer (`run.customerId`, for saveCard and
   * chargeNow), and written by `run.complete(manager, response)`, which the work must call
   * first in its own transaction. Work that charges a card now calls `run.hold()` before.
   */
  runIdempotentInOneTransaction<T>(input: IdempotentRequest, work: (run: OneTransactionRun) => Promise<T>): Promise<T> {
    return this.idempotency.runInOneTransaction(input, this.customers.alongsideKey(), work);
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

