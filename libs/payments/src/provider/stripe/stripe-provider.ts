/**
 * The Stripe adapter of the PaymentProvider port, on the `stripe` SDK.
 *
 * - Every POST carries an idempotency key derived from the caller's (`<key>:attach`,
 *   `<key>:setup`, ... where one port call makes several Stripe calls, since Stripe refuses a
 *   key reused on another endpoint), so a retry after a timeout replays instead of charging again.
 * - Our money is integer minor units with an upper-case currency; Stripe's is the same integer
 *   with a lower-case currency.
 * - Declines come back as results (ChargeResult / SetupResult), everything else Stripe throws
 *   as a ProviderError (./stripe-errors.ts).
 *
 * No `@nestjs/*` import here: the Nest module wires this class, and jest loads it as is.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import {
  type ChargeInput,
  type ChargeResult,
  type PaymentProvider,
  type PayoutAccountState,
  ProviderError,
  type ProviderMoney,
  type SetupResult,
  type TransferInput,
} from '../payment-provider';
import {
  chargeFailureFromError,
  chargeResultFromPaymentIntent,
  setupFailureFromError,
  setupResultFromSetupIntent,
  toProviderError,
} from './stripe-errors';

export interface StripePaymentProviderOptions {
  secretKey: string;
  publishableKey?: string | null;
  /** Where the API is, e.g. http://127.0.0.1:12111 for the local test server; Stripe's by default. */
  apiUrl?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Retries by the SDK on network errors, 409s and 5xx, with the same idempotency key. Default 2. */
  maxNetworkRetries?: number;
}


/** The reasons Stripe accepts for a refund; any other reason of ours goes into metadata. */
const STRIPE_REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

/** Stripe's per-charge limit, in minor units. */
const MAX_AMOUNT = 99_999_999;

/** The SDK's host/port/protocol options from a URL such as http://127.0.0.1:12111. */
export function stripeConnectionOptions(apiUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new Error(`Stripe apiUrl is not a URL: ${apiUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Stripe apiUrl must be http(s): ${apiUrl}`);
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`Stripe apiUrl cannot have a path: ${apiUrl}`);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
}

/** Our money as Stripe's amount and currency; a malformed amount never leaves the process. */
export function toStripeMoney(money: ProviderMoney): { amount: number; currency: string } {
  if (!Number.isSafeInteger(money.amount) || money.amount <= 0 || money.amount > MAX_AMOUNT) {
    throw new ProviderError('invalid_request', `Amount must be an integer from 1 to ${MAX_AMOUNT} minor units`, 'money.amount');
  }
  if (!/^[A-Za-z]{3}$/.test(money.currency)) {
    throw new ProviderError('invalid_request', `Not an ISO-4217 currency: ${money.currency}`, 'money.currency');
  }
  return { amount: money.amount, currency: money.currency.toLowerCase() };
}

function requireKey(idempotencyKey: string): string {
  if (!idempotencyKey) throw new ProviderError('invalid_request', 'An idempotency key is required', 'idempotencyKey');
  return idempotencyKey;
}

export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly publishableKey: string | null;
  private readonly stripe: Stripe;

  constructor(options: StripePaymentProviderOptions) {
    if (!options.secretKey) throw new Error('StripePaymentProvider needs a secret key');
    if (options.secretKey.startsWith('pk_')) throw new Error('STRIPE_SECRET_KEY is a publishable key (pk_...), not a secret key');
    this.publishableKey = options.publishableKey ?? null;
    this.stripe = new Stripe(options.secretKey, {
      ...(options.apiUrl ? stripeConnectionOptions(options.apiUrl) : {}),
      timeout: options.timeoutMs ?? 30_000,
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      telemetry: false,
      appInfo: { name: 'foule' },
    });
  }

  async ensureCustomer(input: { profileId: string; idempotencyKey: string }): Promise<{ customerId: string }> {
    const customer = await this.call(() =>
      this.stripe.customers.create(
        { metadata: { profileId: input.profileId } },
        { idempotencyKey: requireKey(input.idempotencyKey) },
      ),
    );
    return { customerId: customer.id };
  }

  async createSetupIntent(input: {
    customerId: string;
    idempotencyKey: string;
  }): Promise<{ setupIntentId: string; clientSecret: string }> {
    const si = await this.call(() =>
      this.stripe.setupIntents.create(
        { customer: input.customerId, usage: 'off_session', allowed_payment_method_types: ['card'] },
        { idempotencyKey: requireKey(input.idempotencyKey) },
      ),
    );
    if (!si.client_secret) throw new ProviderError('transient', `Stripe returned SetupIntent ${si.id} without a client secret`);
    return { setupIntentId: si.id, clientSecret: si.client_secret };
  }

  async savePaymentMethod(input: { customerId: string; paymentMethodId: string; idempotencyKey: string }): Promise<SetupResult> {
    const key = requireKey(input.idempotencyKey);
    try {
      // Attaching a Stripe test id (pm_card_visa) makes a new PaymentMethod: the returned id is
      // the one to keep and charge later.
      const pm = await this.stripe.paymentMethods.attach(
        input.paymentMethodId,
        { customer: input.customerId },
        { idempotencyKey: `${key}:attach` },
      );
      const si = await this.stripe.setupIntents.create(
        {
          customer: input.customerId,
          payment_method: pm.id,
          usage: 'off_session',
          confirm: true,
          allowed_payment_method_types: ['card'],
        },
        { idempotencyKey: `${key}:setup` },
      );
      return setupResultFromSetupIntent(si, pm.id);
    } catch (err) {
      const failure = setupFailureFromError(err);
      if (failure) return failure;
      throw toProviderError(err);
    }
  }

  chargeOnSession(input: ChargeInput): Promise<ChargeResult> {
    return this.charge(input, false);
  }

  chargeOffSession(input: ChargeInput): Promise<ChargeResult> {
    return this.charge(input, true);
  }

  async refund(input: {
    chargeId: string;
    money: ProviderMoney;
    idempotencyKey: string;
    reason?: string;
  }): Promise<{ refundId: string }> {
    const { amount } = toStripeMoney(input.money);
    const knownReason = input.reason !== undefined && STRIPE_REFUND_REASONS.has(input.reason);
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        {
          payment_intent: input.chargeId,
          amount,
          ...(knownReason ? { reason: input.reason as Stripe.RefundCreateParams.Reason } : {}),
          ...(input.reason !== undefined && !knownReason ? { metadata: { reason: input.reason } } : {}),
        },
        { idempotencyKey: requireKey(input.idempotencyKey) },
      ),
    );
    return { refundId: refund.id };
  }

  async createPayoutAccount(input: {
    profileId: string;
    country: string;
    idempotencyKey: string;
    returnUrl: string;
  }): Promise<PayoutAccountState> {
    const key = requireKey(input.idempotencyKey);
    const account = await this.call(() =>
      this.stripe.accounts.create(
        {
          type: 'express',
          country: input.country.toUpperCase(),
          capabilities: { transfers: { requested: true } },
          metadata: { profileId: input.profileId },
        },
        { idempotencyKey: `${key}:account` },
      ),
    );
    return this.payoutAccountState(account, input.returnUrl, `${key}:link`);
  }

  async getPayoutAccount(input: { accountId: string; returnUrl: string }): Promise<PayoutAccountState> {
    // A GET: Stripe ignores idempotency keys there, so none is sent.
    const account = await this.call(() => this.stripe.accounts.retrieve(input.accountId));
    // Account links are single-use and short-lived: each look gets a fresh one, keyed per call
    // so an SDK retry of this very request still cannot make two.
    return this.payoutAccountState(account, input.returnUrl, `account:${input.accountId}:link:${randomUUID()}`);
  }

  async transfer(input: TransferInput): Promise<{ transferId: string }> {
    const money = toStripeMoney(input.money);
    const transfer = await this.call(() =>
      this.stripe.transfers.create(
        {
          ...money,
          destination: input.accountId,
          ...(input.transferGroup ? { transfer_group: input.transferGroup } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        { idempotencyKey: requireKey(input.idempotencyKey) },
      ),
    );
    return { transferId: transfer.id };
  }

  private async charge(input: ChargeInput, offSession: boolean): Promise<ChargeResult> {
    const money = toStripeMoney(input.money);
    const key = requireKey(input.idempotencyKey);
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          ...money,
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          allowed_payment_method_types: ['card'],
          confirm: true,
          ...(offSession ? { off_session: true } : {}),
          description: input.description,
          ...(input.transferGroup ? { transfer_group: input.transferGroup } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        { idempotencyKey: key },
      );
      return chargeResultFromPaymentIntent(pi);
    } catch (err) {
      const failure = chargeFailureFromError(err);
      if (failure) return failure;
      throw toProviderError(err);
    }
  }

  private async payoutAccountState(account: Stripe.Account, returnUrl: string, linkKey: string): Promise<PayoutAccountState> {
    const payoutsEnabled = account.payouts_enabled === true;
    let onboardingUrl: string | null = null;
    if (!payoutsEnabled) {
      const link = await this.call(() =>
        this.stripe.accountLinks.create(
          { account: account.id, type: 'account_onboarding', refresh_url: returnUrl, return_url: returnUrl },
          { idempotencyKey: linkKey },
        ),
      );
      onboardingUrl = link.url;
    }
    return { accountId: account.id, country: (account.country ?? '').toUpperCase(), payoutsEnabled, onboardingUrl };
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toProviderError(err);
    }
  }
}
