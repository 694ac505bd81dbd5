import Stripe from 'stripe';
import { ProviderError } from '../payment-provider';
import {
  chargeFailureFromError,
  chargeResultFromPaymentIntent,
  classifyStripeError,
  isStripeError,
  portParam,
  setupFailureFromError,
  setupResultFromSetupIntent,
  toProviderError,
  type StripeErrorShape,
} from './stripe-errors';

/**
 * Error bodies as Stripe sends them (`{ error: { ... } }`), with the HTTP status, turned into
 * errors by the SDK's own factory, exactly as stripe-node does when a response arrives.
 */
function sdkError(statusCode: number, raw: Record<string, unknown>): Stripe.errors.StripeError {
  return Stripe.errors.StripeError.generate({ ...raw, statusCode, requestId: 'req_recorded' });
}

const declinedIntent = {
  id: 'pi_3PqRecorded0001',
  object: 'payment_intent',
  amount: 2000,
  currency: 'usd',
  status: 'requires_payment_method',
  last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' },
};

const RECORDED = {
  genericDecline: sdkError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'generic_decline',
    charge: 'ch_3PqRecorded0001',
    message: 'Your card was declined.',
    doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    payment_intent: declinedIntent,
  }),
  insufficientFunds: sdkError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
    payment_intent: { ...declinedIntent, id: 'pi_3PqRecorded0002' },
  }),
  expiredCard: sdkError(402, {
    type: 'card_error',
    code: 'expired_card',
    param: 'exp_month',
    message: 'Your card has expired.',
    payment_intent: { ...declinedIntent, id: 'pi_3PqRecorded0003' },
  }),
  authenticationRequired: sdkError(402, {
    type: 'card_error',
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
    payment_intent: { ...declinedIntent, id: 'pi_3PqRecorded0004' },
  }),
  setupDecline: sdkError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
    setup_intent: { id: 'seti_1PqRecorded', status: 'requires_payment_method' },
  }),
  noSuchPaymentMethod: sdkError(400, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'payment_method',
    message: "No such PaymentMethod: 'pm_nope'",
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
  }),
  amountTooLarge: sdkError(400, {
    type: 'invalid_request_error',
    code: 'amount_too_large',
    param: 'amount',
    message: 'Amount must be no more than $999,999.99',
  }),
  idempotencyParams: sdkError(400, {
    type: 'idempotency_error',
    message:
      "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'pledge:pld_1:charge:1' if you meant to execute a different request.",
  }),
  idempotencyEndpoint: sdkError(400, {
    type: 'idempotency_error',
    message:
      "Keys for idempotent requests can only be used for the same endpoint they were first used for ('/v1/refunds' vs '/v1/payment_intents'). Try using a key other than 'k' if you meant to execute a different request.",
  }),
  keyInUse: sdkError(409, {
    type: 'invalid_request_error',
    code: 'idempotency_key_in_use',
    message:
      'There is currently another in-progress request using this Idempotent Key (probably because of a timeout). Please try again later.',
  }),
  lockTimeout: sdkError(409, {
    type: 'invalid_request_error',
    code: 'lock_timeout',
    message: 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.',
  }),
  serverError: sdkError(500, { type: 'api_error', message: 'An unknown error occurred' }),
  badGateway: sdkError(502, { type: 'api_error', message: 'Bad gateway' }),
  rateLimited: sdkError(429, {
    type: 'invalid_request_error',
    code: 'rate_limit',
    message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
  }),
  badKey: sdkError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****1234' }),
  noAccess: sdkError(403, {
    type: 'invalid_request_error',
    code: 'account_invalid',
    message: "The provided key 'sk_test_****1234' does not have access to account 'acct_nope' (or that account does not exist).",
  }),
  balanceInsufficient: sdkError(400, {
    type: 'invalid_request_error',
    code: 'balance_insufficient',
    message: 'You have insufficient available funds in your Stripe account.',
  }),
  timeout: new Stripe.errors.StripeConnectionError({ message: 'Request aborted due to timeout being reached (300ms)' }),
  connectionRefused: new Stripe.errors.StripeConnectionError({ message: 'An error occurred with our connection to Stripe.' }),
};

function expectProviderError(value: unknown, kind: ProviderError['kind'], param?: string): ProviderError {
  expect(value).toBeInstanceOf(ProviderError);
  const error = value as ProviderError;
  expect(error.kind).toBe(kind);
  expect(error.param).toBe(param);
  return error;
}

describe('the SDK builds the error classes this mapping expects', () => {
  it.each([
    ['genericDecline', 'StripeCardError', 'card'],
    ['noSuchPaymentMethod', 'StripeInvalidRequestError', 'invalid_request'],
    ['idempotencyParams', 'StripeIdempotencyError', 'idempotency_mismatch'],
    ['keyInUse', 'StripeAPIError', 'api'],
    ['serverError', 'StripeAPIError', 'api'],
    ['rateLimited', 'StripeRateLimitError', 'rate_limit'],
    ['badKey', 'StripeAuthenticationError', 'authentication'],
    ['noAccess', 'StripePermissionError', 'permission'],
    ['timeout', 'StripeConnectionError', 'connection'],
  ] as const)('%s is a %s, classified %s', (name, sdkType, kind) => {
    const err = RECORDED[name];
    expect(err.type).toBe(sdkType);
    expect(isStripeError(err)).toBe(true);
    expect(classifyStripeError(err)).toBe(kind);
  });

  it('an SDK card error without decline_code carries an empty string, not undefined', () => {
    const err = sdkError(402, { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' });
    expect(err.decline_code).toBe('');
    expect(chargeFailureFromError(err)).toEqual({
      status: 'failed',
      declineCode: 'card_declined',
      message: 'Your card was declined.',
      requiresAction: false,
    });
  });
});

describe('card errors become failed results', () => {
  it.each([
    ['genericDecline', 'generic_decline', false, 'pi_3PqRecorded0001', 'Your card was declined.'],
    ['insufficientFunds', 'insufficient_funds', false, 'pi_3PqRecorded0002', 'Your card has insufficient funds.'],
    ['expiredCard', 'expired_card', false, 'pi_3PqRecorded0003', 'Your card has expired.'],
    [
      'authenticationRequired',
      'authentication_required',
      true,
      'pi_3PqRecorded0004',
      'Your card was declined. This transaction requires authentication.',
    ],
  ] as const)('%s: declineCode %s, requiresAction %s, chargeId %s', (name, declineCode, requiresAction, chargeId, message) => {
    expect(chargeFailureFromError(RECORDED[name])).toEqual({ status: 'failed', declineCode, message, requiresAction, chargeId });
  });

  it('requiresAction follows the code when the issuer gives another decline code', () => {
    const err = sdkError(402, {
      type: 'card_error',
      code: 'authentication_required',
      decline_code: 'card_not_supported',
      message: 'This transaction requires authentication.',
    });
    expect(chargeFailureFromError(err)).toMatchObject({ declineCode: 'card_not_supported', requiresAction: true });
  });

  it('a card error while saving is a failed SetupResult', () => {
    expect(setupFailureFromError(RECORDED.setupDecline)).toEqual({
      status: 'failed',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
  });

  it('anything but a card error is not a failed result', () => {
    for (const name of ['noSuchPaymentMethod', 'idempotencyParams', 'serverError', 'timeout'] as const) {
      expect(chargeFailureFromError(RECORDED[name])).toBeNull();
      expect(setupFailureFromError(RECORDED[name])).toBeNull();
    }
    expect(chargeFailureFromError(new Error('boom'))).toBeNull();
    expect(chargeFailureFromError(undefined)).toBeNull();
  });

  it('recognises a recorded shape by its raw type, without the SDK class', () => {
    const shape: StripeErrorShape = {
      type: 'SomeOtherCopyOfTheSdk',
      rawType: 'card_error',
      code: 'card_declined',
      message: 'Declined',
    };
    expect(classifyStripeError(shape)).toBe('card');
    expect(chargeFailureFromError(shape)).toMatchObject({ declineCode: 'card_declined' });
  });
});

describe('other errors become ProviderErrors', () => {
  it('an invalid request is invalid_request, with the param as our input name', () => {
    const error = expectProviderError(toProviderError(RECORDED.noSuchPaymentMethod), 'invalid_request', 'paymentMethodId');
    expect(error.message).toBe("No such PaymentMethod: 'pm_nope'");
    expectProviderError(toProviderError(RECORDED.amountTooLarge), 'invalid_request', 'money.amount');
  });

  it('a key reused with other parameters or on another endpoint is idempotency_mismatch', () => {
    expect(expectProviderError(toProviderError(RECORDED.idempotencyParams), 'idempotency_mismatch').message).toMatch(
      /same parameters/,
    );
    expectProviderError(toProviderError(RECORDED.idempotencyEndpoint), 'idempotency_mismatch');
    // Older shapes: an invalid request error whose code says idempotency_error.
    const legacy = sdkError(400, {
      type: 'invalid_request_error',
      code: 'idempotency_error',
      message: 'Keys for idempotent requests...',
    });
    expect(legacy.type).toBe('StripeInvalidRequestError');
    expectProviderError(toProviderError(legacy), 'idempotency_mismatch');
  });

  it.each([
    ['keyInUse', /Stripe error 409/],
    ['lockTimeout', /Stripe error 409/],
    ['serverError', /Stripe error 500: An unknown error occurred/],
    ['badGateway', /Stripe error 502/],
    ['rateLimited', /rate limit/],
    ['timeout', /timeout being reached \(300ms\)/],
    ['connectionRefused', /unreachable/],
    ['badKey', /rejected the API key/],
    ['balanceInsufficient', /insufficient available funds/],
  ] as const)('%s is transient', (name, message) => {
    expect(expectProviderError(toProviderError(RECORDED[name]), 'transient').message).toMatch(message);
  });

  it('no access to an account is invalid_request', () => {
    expectProviderError(toProviderError(RECORDED.noAccess), 'invalid_request');
  });

  it('a card error where no card was expected is invalid_request', () => {
    expectProviderError(toProviderError(RECORDED.expiredCard), 'invalid_request', 'exp_month');
  });

  it('errors that are not Stripe’s, and ProviderErrors, pass through unchanged', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(toProviderError(bug)).toBe(bug);
    const already = new ProviderError('invalid_request', 'bad', 'money.amount');
    expect(toProviderError(already)).toBe(already);
  });

  it('maps Stripe parameter names to the port’s input names', () => {
    expect(portParam('payment_method')).toBe('paymentMethodId');
    expect(portParam('customer')).toBe('customerId');
    expect(portParam('destination')).toBe('accountId');
    expect(portParam('payment_intent')).toBe('chargeId');
    expect(portParam('currency')).toBe('money.currency');
    expect(portParam('metadata[profileId]')).toBe('metadata[profileId]');
    expect(portParam(undefined)).toBeUndefined();
  });
});

describe('intents returned without an error', () => {
  it('a succeeded PaymentIntent is a succeeded charge', () => {
    expect(chargeResultFromPaymentIntent({ id: 'pi_1', status: 'succeeded' })).toEqual({ status: 'succeeded', chargeId: 'pi_1' });
  });

  it('requires_action is a failure that needs the customer back', () => {
    expect(chargeResultFromPaymentIntent({ id: 'pi_2', status: 'requires_action', last_payment_error: null })).toEqual({
      status: 'failed',
      declineCode: 'authentication_required',
      message: 'This payment requires the customer to authenticate.',
      requiresAction: true,
      chargeId: 'pi_2',
    });
  });

  it('requires_payment_method reports the last payment error', () => {
    expect(
      chargeResultFromPaymentIntent({
        id: 'pi_3',
        status: 'requires_payment_method',
        last_payment_error: {
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      }),
    ).toEqual({
      status: 'failed',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      requiresAction: false,
      chargeId: 'pi_3',
    });
  });

  it('processing is neither paid nor failed: transient', () => {
    expect(() => chargeResultFromPaymentIntent({ id: 'pi_4', status: 'processing' })).toThrow(
      expect.objectContaining({ kind: 'transient' }),
    );
  });

  it('a succeeded SetupIntent gives its payment method, expanded or not', () => {
    expect(setupResultFromSetupIntent({ id: 'seti_1', status: 'succeeded', payment_method: 'pm_123' }, 'pm_card_visa')).toEqual({
      status: 'succeeded',
      paymentMethodId: 'pm_123',
    });
    expect(setupResultFromSetupIntent({ id: 'seti_1', status: 'succeeded', payment_method: { id: 'pm_456' } }, 'x')).toEqual({
      status: 'succeeded',
      paymentMethodId: 'pm_456',
    });
  });

  it('a SetupIntent that needs authentication or failed is a failed SetupResult', () => {
    expect(setupResultFromSetupIntent({ id: 'seti_2', status: 'requires_action', payment_method: 'pm_1' }, 'pm_1')).toMatchObject(
      {
        status: 'failed',
        declineCode: 'authentication_required',
      },
    );
    expect(
      setupResultFromSetupIntent(
        {
          id: 'seti_3',
          status: 'requires_payment_method',
          payment_method: null,
          last_setup_error: { code: 'expired_card', message: 'Your card has expired.' },
        },
        'pm_1',
      ),
    ).toEqual({ status: 'failed', declineCode: 'expired_card', message: 'Your card has expired.' });
  });
});
