/**
 * Pure mapping from what the `stripe` SDK returns or throws to the port's vocabulary
 * (ChargeResult, SetupResult, ProviderError). No I/O, no SDK import: errors are read by shape
 * (the fields stripe-node copies from Stripe's `{ error: { ... } }` body), so recorded error
 * shapes can be unit-tested and a second copy of the SDK in node_modules cannot defeat an
 * `instanceof` check.
 */
import { type ChargeResult, ProviderError, type SetupResult } from '../payment-provider';

/** The fields of a stripe-node `StripeError` (and its subclasses) this module reads. */
export interface StripeErrorShape {
  /** stripe-node's class name: 'StripeCardError', 'StripeInvalidRequestError', 'StripeIdempotencyError', ... */
  type: string;
  /** Stripe's own `error.type`: 'card_error', 'invalid_request_error', 'idempotency_error', 'api_error'. */
  rawType?: string;
  code?: string;
  /** stripe-node sets '' (not undefined) on a card error without a decline code. */
  decline_code?: string;
  message: string;
  param?: string;
  statusCode?: number;
  payment_intent?: { id: string } | null;
  setup_intent?: { id: string } | null;
}

export type StripeErrorClass =
  | 'card'
  | 'idempotency_mismatch'
  | 'invalid_request'
  | 'permission'
  | 'authentication'
  | 'rate_limit'
  | 'connection'
  | 'api'
  | 'unknown';

type ChargeFailure = Extract<ChargeResult, { status: 'failed' }>;
type SetupFailure = Extract<SetupResult, { status: 'failed' }>;

/** Stripe's parameter names, as the names of the port's inputs (ProviderError.param). */
const PARAM_NAMES: Readonly<Record<string, string>> = {
  payment_method: 'paymentMethodId',
  customer: 'customerId',
  amount: 'money.amount',
  currency: 'money.currency',
  payment_intent: 'chargeId',
  charge: 'chargeId',
  destination: 'accountId',
  account: 'accountId',
  country: 'country',
  refresh_url: 'returnUrl',
  return_url: 'returnUrl',
  transfer_group: 'transferGroup',
  description: 'description',
  reason: 'reason',
};

/** Error codes Stripe sends with a 4xx that nonetheless clear up if the same request is retried later. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'lock_timeout',
  'idempotency_key_in_use',
  'rate_limit',
  // A transfer larger than the platform's available balance: the charges behind it have not
  // settled yet. Retrying later with the same key succeeds.
  'balance_insufficient',
]);

export function isStripeError(err: unknown): err is StripeErrorShape {
  if (typeof err !== 'object' || err === null) return false;
  const { type, rawType } = err as { type?: unknown; rawType?: unknown };
  return (typeof type === 'string' && type.startsWith('Stripe')) || typeof rawType === 'string';
}

export function classifyStripeError(err: StripeErrorShape): StripeErrorClass {
  const status = err.statusCode ?? 0;
  // 409s (a concurrent request holds the key, a lock timed out) come back as StripeAPIError
  // even when Stripe labels them invalid_request_error or idempotency_error: retry later.
  if (status === 409 || (err.code !== undefined && RETRYABLE_CODES.has(err.code))) {
    return err.code === 'rate_limit' || status === 429 ? 'rate_limit' : 'api';
  }
  if (err.type === 'StripeIdempotencyError' || err.rawType === 'idempotency_error' || err.code === 'idempotency_error') {
    return 'idempotency_mismatch';
  }
  if (err.type === 'StripeCardError' || err.rawType === 'card_error') return 'card';
  if (err.type === 'StripeRateLimitError' || status === 429) return 'rate_limit';
  if (err.type === 'StripeConnectionError') return 'connection';
  if (err.type === 'StripeAPIError' || err.rawType === 'api_error' || status >= 500) return 'api';
  if (err.type === 'StripeAuthenticationError' || status === 401) return 'authentication';
  if (err.type === 'StripePermissionError' || status === 403) return 'permission';
  if (err.type === 'StripeInvalidRequestError' || err.rawType === 'invalid_request_error' || status === 400 || status === 404) {
    return 'invalid_request';
  }
  return 'unknown';
}

/** Stripe's `param` ('payment_method', 'metadata[x]', ...) as the port's input name. */
export function portParam(stripeParam: string | undefined): string | undefined {
  if (!stripeParam) return undefined;
  return PARAM_NAMES[stripeParam] ?? stripeParam;
}

/** The decline code of a card error: `decline_code` when the issuer gave one, else `code`. */
export function declineCodeOf(err: StripeErrorShape): string {
  // `||`, not `??`: stripe-node turns a missing decline_code into ''.
  return err.decline_code || err.code || 'card_declined';
}

/** A card error as the failed ChargeResult the port returns; null when `err` is not a card error. */
export function chargeFailureFromError(err: unknown): ChargeFailure | null {
  if (!isStripeError(err) || classifyStripeError(err) !== 'card') return null;
  const declineCode = declineCodeOf(err);
  const failure: ChargeFailure = {
    status: 'failed',
    declineCode,
    message: err.message,
    requiresAction: declineCode === 'authentication_required' || err.code === 'authentication_required',
  };
  const chargeId = err.payment_intent?.id;
  if (chargeId) failure.chargeId = chargeId;
  return failure;
}

/** A card error while saving a payment method as the failed SetupResult; null when not a card error. */
export function setupFailureFromError(err: unknown): SetupFailure | null {
  if (!isStripeError(err) || classifyStripeError(err) !== 'card') return null;
  return { status: 'failed', declineCode: declineCodeOf(err), message: err.message };
}

/**
 * Anything thrown by the SDK as what the port throws. A ProviderError passes through; an error
 * that is not Stripe's (a bug of ours) is returned unchanged so it is not disguised as a
 * provider failure.
 */
export function toProviderError(err: unknown): unknown {
  if (err instanceof ProviderError || !isStripeError(err)) return err;
  const message = err.message || 'Stripe request failed';
  switch (classifyStripeError(err)) {
    case 'idempotency_mismatch':
      return new ProviderError('idempotency_mismatch', message);
    case 'invalid_request':
    case 'permission':
    // A card error where no card outcome is expected (a refund, a transfer): our request was wrong.
    case 'card':
      return new ProviderError('invalid_request', message, portParam(err.param));
    case 'rate_limit':
      return new ProviderError('transient', `Stripe rate limit: ${message}`);
    case 'connection':
      return new ProviderError('transient', `Stripe unreachable: ${message}`);
    case 'api':
      return new ProviderError('transient', `Stripe error${err.statusCode ? ` ${err.statusCode}` : ''}: ${message}`);
    case 'authentication':
      // Our API key is wrong or revoked: an operator must fix the configuration, after which a
      // retry with the same key succeeds. Not the caller's input, so not invalid_request.
      return new ProviderError('transient', `Stripe rejected the API key: ${message}`);
    case 'unknown':
      return new ProviderError('transient', `Stripe error: ${message}`);
  }
}

/** The fields of a PaymentIntent this module reads. */
export interface PaymentIntentShape {
  id: string;
  status: string;
  last_payment_error?: { code?: string; decline_code?: string; message?: string } | null;
}

/**
 * A PaymentIntent returned without an error as a ChargeResult. `requires_action` (3-D Secure)
 * is a failure that needs the customer back on-session. `processing` is neither paid nor
 * failed: it is thrown as transient so nothing is recorded as paid until Stripe says so (a
 * retry with the same key sees the PaymentIntent's state at that time; the webhook settles it).
 */
export function chargeResultFromPaymentIntent(pi: PaymentIntentShape): ChargeResult {
  switch (pi.status) {
    case 'succeeded':
      return { status: 'succeeded', chargeId: pi.id };
    case 'requires_action':
      return {
        status: 'failed',
        declineCode: 'authentication_required',
        message: pi.last_payment_error?.message ?? 'This payment requires the customer to authenticate.',
        requiresAction: true,
        chargeId: pi.id,
      };
    case 'processing':
      throw new ProviderError('transient', `PaymentIntent ${pi.id} is still processing`);
    default: {
      const lastError = pi.last_payment_error;
      const declineCode = lastError?.decline_code || lastError?.code || 'card_declined';
      return {
        status: 'failed',
        declineCode,
        message: lastError?.message ?? `PaymentIntent ${pi.id} ended in status ${pi.status}`,
        requiresAction: declineCode === 'authentication_required',
        chargeId: pi.id,
      };
    }
  }
}

/** The fields of a SetupIntent this module reads. */
export interface SetupIntentShape {
  id: string;
  status: string;
  payment_method: string | { id: string } | null;
  last_setup_error?: { code?: string; decline_code?: string; message?: string } | null;
}

/** A SetupIntent returned without an error as a SetupResult. */
export function setupResultFromSetupIntent(si: SetupIntentShape, fallbackPaymentMethodId: string): SetupResult {
  if (si.status === 'succeeded') {
    const pm = si.payment_method;
    return { status: 'succeeded', paymentMethodId: (typeof pm === 'string' ? pm : pm?.id) ?? fallbackPaymentMethodId };
  }
  if (si.status === 'requires_action') {
    return {
      status: 'failed',
      declineCode: 'authentication_required',
      message: 'Saving this card requires the customer to authenticate.',
    };
  }
  if (si.status === 'processing') throw new ProviderError('transient', `SetupIntent ${si.id} is still processing`);
  const lastError = si.last_setup_error;
  return {
    status: 'failed',
    declineCode: lastError?.decline_code || lastError?.code || 'card_declined',
    message: lastError?.message ?? `SetupIntent ${si.id} ended in status ${si.status}`,
  };
}
