/**
 * The port every payment provider adapter implements (Stripe, and the in-process sandbox that
 * mimics Stripe's test mode). It speaks Stripe's concepts (customers, payment methods saved
 * for off-session use, payment intents, refunds, Connect accounts, transfers) in our terms:
 * integer minor units, upper-case ISO currencies, and idempotency keys derived from our ids
 * (`pledge:<id>:charge:<attempt>`), so a retried call never moves money twice.
 *
 * Outcomes a caller must act on (a decline, authentication required) are returned, not thrown.
 * Thrown errors are ProviderErrors: `invalid_request` (our input was wrong: never retry),
 * `transient` (timeout, 5xx, network: safe to retry with the same idempotency key) or
 * `idempotency_mismatch` (the key was used with other parameters).
 */

export type ProviderName = 'stripe' | 'sandbox';

export interface ProviderMoney {
  /** Minor units, positive. */
  amount: number;
  /** ISO-4217, upper case. */
  currency: string;
}

export type ChargeResult =
  | { status: 'succeeded'; chargeId: string }
  | {
      status: 'failed';
      /** Stripe's decline code (card_declined, insufficient_funds, expired_card, authentication_required, ...). */
      declineCode: string;
      message: string;
      /** The customer must come back on-session (3-D Secure) to pay. */
      requiresAction: boolean;
      /** The failed PaymentIntent, when the provider made one. */
      chargeId?: string;
    };

export type SetupResult =
  | { status: 'succeeded'; paymentMethodId: string }
  | { status: 'failed'; declineCode: string; message: string };

export interface PayoutAccountState {
  accountId: string;
  country: string;
  payoutsEnabled: boolean;
  /** Where the owner finishes verification while payouts are not enabled. */
  onboardingUrl: string | null;
}

/** A charge of a customer's payment method, on- or off-session. */
export interface ChargeInput {
  customerId: string;
  paymentMethodId: string;
  money: ProviderMoney;
  idempotencyKey: string;
  description: string;
  transferGroup?: string;
  metadata?: Record<string, string>;
}

/** Money from the platform balance to a payout account. */
export interface TransferInput {
  accountId: string;
  money: ProviderMoney;
  idempotencyKey: string;
  transferGroup?: string;
  metadata?: Record<string, string>;
}

export type ProviderErrorKind = 'invalid_request' | 'transient' | 'idempotency_mismatch';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** Which input was wrong, for invalid_request (e.g. 'paymentMethodId'). */
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Stripe.js / mobile SDK publishable key, when there is one. */
  readonly publishableKey: string | null;

  /** A Customer for one of our profiles; the same profile always gets the same customer. */
  ensureCustomer(input: { profileId: string; idempotencyKey: string }): Promise<{ customerId: string }>;

  /** A SetupIntent (usage: off_session) whose client secret a client confirms with Stripe.js. */
  createSetupIntent(input: { customerId: string; idempotencyKey: string }): Promise<{ setupIntentId: string; clientSecret: string }>;

  /**
   * Attaches a payment method to the customer and confirms a SetupIntent for off-session use.
   * A card declined at this point is a `failed` result; an unknown id is invalid_request.
   */
  savePaymentMethod(input: { customerId: string; paymentMethodId: string; idempotencyKey: string }): Promise<SetupResult>;

  /** Charges now, with the customer present (confirm: true). */
  chargeOnSession(input: ChargeInput): Promise<ChargeResult>;

  /** Charges a saved payment method with the customer absent (off_session: true, confirm: true). */
  chargeOffSession(input: ChargeInput): Promise<ChargeResult>;

  /** Refunds all or part of a succeeded charge. */
  refund(input: { chargeId: string; money: ProviderMoney; idempotencyKey: string; reason?: string }): Promise<{ refundId: string }>;

  /** A Connect Express account for a profile, with an onboarding link while it is not enabled. */
  createPayoutAccount(input: { profileId: string; country: string; idempotencyKey: string; returnUrl: string }): Promise<PayoutAccountState>;

  /** Current state of a payout account (Stripe: retrieve the account and, if needed, a fresh account link). */
  getPayoutAccount(input: { accountId: string; returnUrl: string }): Promise<PayoutAccountState>;

  /** Moves money from the platform balance to a payout account. */
  transfer(input: TransferInput): Promise<{ transferId: string }>;
}
