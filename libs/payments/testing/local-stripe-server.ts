/**
 * A local HTTP server that answers the Stripe REST endpoints the Stripe adapter uses, with
 * Stripe's JSON shapes, error shapes and HTTP statuses, so the real `stripe` SDK can be tested
 * with no network (point it here with the SDK's host/port/protocol options, or STRIPE_API_URL).
 *
 * What it reproduces:
 * - `Authorization: Bearer sk_...` (401 otherwise);
 * - form-encoded bodies with bracket notation (`metadata[profileId]=...`, `expand[0]=...`);
 * - idempotency: a POST with an `Idempotency-Key` seen before with the same endpoint and
 *   parameters replays the stored status and body with `Idempotent-Replayed: true`; other
 *   parameters or another endpoint answer 400 `idempotency_error`. As at Stripe, only results
 *   of requests that ran are stored (200s and 402 card errors), not validation errors;
 * - Stripe's test PaymentMethod ids (src/provider/test-cards.ts): a test id used in a request becomes a
 *   new `pm_...` PaymentMethod with that card's behaviour, as in Stripe's test mode; saving a
 *   declining card and charging one answer 402 `card_error`; off-session charges of
 *   pm_card_authenticationRequired answer 402 `authentication_required`; any other id is 400
 *   `resource_missing` with param `payment_method`;
 * - Connect Express accounts start with charges and payouts disabled and the transfers
 *   capability inactive (transfers to them fail as at Stripe); `enablePayouts(accountId)`, or
 *   opening the account link's URL, completes onboarding.
 *
 * Fault injection: `failNext(status)` answers the next requests with that status before they
 * reach an endpoint (nothing happens, nothing is stored); `delayNext(ms)` runs the next
 * requests and holds their answers (the effect happens, the answer is late: what a client
 * timeout looks like from the client's side).
 *
 * Decline shapes: `code` is `card_declined` (or `expired_card`, `authentication_required`) and
 * `decline_code` the issuer's reason when there is one (insufficient_funds,
 * authentication_required). For pm_card_chargeDeclined this server sends no decline_code, so the
 * adapter's `decline_code || code` yields `card_declined` as test-cards.ts says; real Stripe
 * sends `decline_code: 'generic_decline'` there.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { chargeOutcome, DECLINE_MESSAGES, testCard, type CardBehaviour } from '../src/provider/test-cards';

// ---------------------------------------------------------------------------------------------
// Form-encoded bodies

export type FormValue = string | FormValue[] | FormParams;
export interface FormParams {
  [key: string]: FormValue;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

class FormParseError extends Error {}

/** `a[b][0]` as ['a', 'b', '0']; `a[]` as ['a', '']. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const path = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) throw new FormParseError(`Invalid parameter name: ${key}`);
    path.push(m[1]);
    consumed = m.index + m[0].length;
  }
  if (consumed !== rest.length) throw new FormParseError(`Invalid parameter name: ${key}`);
  return path;
}

interface Branch {
  [key: string]: Branch | string;
}

/** Turns branches whose keys are all array indices into arrays, in index order. */
function arraysOf(node: Branch | string): FormValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => arraysOf(node[String(k)]));
  }
  const out: FormParams = {};
  for (const k of keys) out[k] = arraysOf(node[k]);
  return out;
}

/**
 * Parses an `application/x-www-form-urlencoded` body the way Stripe's API reads what
 * stripe-node sends: bracket notation for objects (`metadata[profileId]=x`) and arrays
 * (`expand[0]=a`, `expand[]=a`). Values stay strings, as on the wire.
 */
export function parseStripeForm(body: string): FormParams {
  const root: Branch = Object.create(null) as Branch;
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = keyPath(rawKey);
    if (path.some((segment) => FORBIDDEN_KEYS.has(segment))) throw new FormParseError(`Invalid parameter name: ${rawKey}`);
    let node = root;
    for (let i = 0; i < path.length; i++) {
      let segment = path[i];
      if (segment === '') {
        if (i === 0) throw new FormParseError(`Invalid parameter name: ${rawKey}`);
        segment = String(Object.keys(node).length);
      }
      if (i === path.length - 1) {
        if (typeof node[segment] === 'object') throw new FormParseError(`Conflicting values for ${rawKey}`);
        node[segment] = value;
      } else {
        const next = node[segment];
        if (typeof next === 'string') throw new FormParseError(`Conflicting values for ${rawKey}`);
        if (next === undefined) node[segment] = Object.create(null) as Branch;
        node = node[segment] as Branch;
      }
    }
  }
  return arraysOf(root) as FormParams;
}

/** JSON with object keys sorted, to compare two requests' parameters. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Objects the server keeps: the `stripe` SDK's own types, so a field the SDK reads cannot be
// missing or misspelt. Fields the server has no behaviour for hold Stripe's empty values (null,
// [], {}); local-stripe-server.spec.ts checks every object has at least the keys of Stripe's
// published sample of that resource.

type Metadata = Stripe.Metadata;

/** The error object inside Stripe's `{ error }` body. */
export interface LocalError {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_method?: Stripe.PaymentMethod;
  payment_intent?: Stripe.PaymentIntent;
  setup_intent?: Stripe.SetupIntent;
}

/** An account link as the server keeps it: Stripe's object, and what answering its URL needs. */
export interface LocalAccountLink {
  link: Stripe.AccountLink;
  account: string;
  refresh_url: string;
  return_url: string;
}

const emptyAddress = (): Stripe.Address => ({
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
});

/** An expandable field (`string | Stripe.X`) as the id this server always stores there. */
const idOf = (field: string | { id: string }): string => (typeof field === 'string' ? field : field.id);

/** Stripe's empty list object, e.g. a transfer's `reversals`. */
function emptyList<T>(url: string): Stripe.ApiList<T> {
  return { object: 'list', data: [], has_more: false, url };
}

export interface LocalStripeState {
  customers: Map<string, Stripe.Customer>;
  paymentMethods: Map<string, Stripe.PaymentMethod>;
  setupIntents: Map<string, Stripe.SetupIntent>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  charges: Map<string, Stripe.Charge>;
  refunds: Map<string, Stripe.Refund>;
  accounts: Map<string, Stripe.Account>;
  /** By the token in the link's URL. */
  accountLinks: Map<string, LocalAccountLink>;
  transfers: Map<string, Stripe.Transfer>;
  /**
   * When true, an on-session charge of a card that needs authentication off-session
   * (pm_card_authenticationRequired) comes back `requires_action` (3-D Secure), as real Stripe
   * does for cards not set up for future use. Off by default, as test-cards.ts says.
   */
  authenticateOnSession: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. '/v1/payment_intents'. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed form body (POST) or query (GET). */
  params: FormParams;
  idempotencyKey: string | null;
  /** True when the answer was a stored idempotent response. */
  replayed: boolean;
  /** The HTTP status answered (0 until answered). */
  status: number;
}

export interface LocalStripeServer {
  /** e.g. http://127.0.0.1:41234: pass as the adapter's apiUrl or STRIPE_API_URL. */
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The requests to one endpoint, e.g. requestsTo('POST', '/v1/payment_intents'). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  /** The next `times` requests (default 1) answer `status` with Stripe's error shape, before reaching an endpoint. */
  failNext(status: number, times?: number): void;
  /** The next `times` requests (default 1) are processed, then answered `ms` later. */
  delayNext(ms: number, times?: number): void;
  /** Completes an account's onboarding: charges and payouts enabled, capabilities active. */
  enablePayouts(accountId: string): Stripe.Account;
  state: LocalStripeState;
  /** Forgets every object, request, stored idempotent response and pending fault. */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Errors answered by endpoints

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: LocalError,
  ) {
    super(error.message);
  }
}

function invalidRequest(message: string, param?: string, code?: string, status = 400): StripeHttpError {
  return new StripeHttpError(status, {
    type: 'invalid_request_error',
    message,
    ...(param ? { param } : {}),
    ...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` } : {}),
  });
}

function noSuch(kind: string, id: string, param: string, status = 400): StripeHttpError {
  return invalidRequest(`No such ${kind}: '${id}'`, param, 'resource_missing', status);
}

/** Stripe's error body for a fault injected with failNext. */
function injectedError(status: number): LocalError {
  if (status === 429) {
    return {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
    };
  }
  if (status === 409) {
    return {
      type: 'invalid_request_error',
      code: 'lock_timeout',
      message:
        'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. Please retry your request.',
    };
  }
  if (status === 401) return { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' };
  if (status >= 500) return { type: 'api_error', message: 'An unknown error occurred' };
  return { type: 'invalid_request_error', message: `Simulated error ${status}` };
}

// ---------------------------------------------------------------------------------------------
// Reading parameters

function optString(p: FormParams, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(v)}`, name);
  return v;
}

function reqString(p: FormParams, name: string): string {
  const v = optString(p, name);
  if (v === undefined || v === '') throw invalidRequest(`Missing required param: ${name}.`, name, 'parameter_missing');
  return v;
}

function optInt(p: FormParams, name: string): number | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw invalidRequest(`Invalid integer: ${v}`, name, 'parameter_invalid_integer');
  }
  return Number(v);
}

function optBool(p: FormParams, name: string): boolean | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw invalidRequest(`Invalid boolean: ${v}`, name);
  return v === 'true';
}

function optMetadata(p: FormParams): Metadata {
  const v = p.metadata;
  if (v === undefined || v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidRequest('Invalid object', 'metadata');
  const out: Metadata = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw invalidRequest(`Invalid value for metadata[${k}]`, `metadata[${k}]`);
    if (value !== '') out[k] = value;
  }
  return out;
}

const MAX_AMOUNT = 99_999_999;

function amountParam(p: FormParams, required: boolean): number | undefined {
  const amount = optInt(p, 'amount');
  if (amount === undefined) {
    if (required) throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
    return undefined;
  }
  if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
  if (amount > MAX_AMOUNT) {
    throw invalidRequest(
      `Amount must be no more than ${MAX_AMOUNT} in the currency's smallest unit.`,
      'amount',
      'amount_too_large',
    );
  }
  return amount;
}

function currencyParam(p: FormParams): string {
  const currency = reqString(p, 'currency');
  if (!/^[a-zA-Z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, 'currency');
  return currency.toLowerCase();
}

function httpUrlParam(p: FormParams, name: string): string {
  const value = reqString(p, name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidRequest(`Not a valid URL`, name, 'url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidRequest('Not a valid URL', name, 'url_invalid');
  return value;
}

// ---------------------------------------------------------------------------------------------
// The server

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}

const now = (): number => Math.floor(Date.now() / 1000);

const DEFAULT_CURRENCY_BY_COUNTRY: Readonly<Record<string, string>> = {
  US: 'usd',
  CA: 'cad',
  GB: 'gbp',
  AU: 'aud',
  JP: 'jpy',
  CH: 'chf',
  SE: 'sek',
  DK: 'dkk',
  NO: 'nok',
  PL: 'pln',
};

const ONBOARDING_REQUIREMENTS = [
  'business_profile.url',
  'external_account',
  'individual.dob.day',
  'individual.first_name',
  'individual.last_name',
  'tos_acceptance.date',
];

/** An account's (or its future) requirements: `due` currently, eventually and past due. */
function requirements(
  due: readonly string[],
  disabledReason: Stripe.Account.Requirements.DisabledReason | null,
): Stripe.Account.Requirements & Stripe.Account.FutureRequirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [...due],
    disabled_reason: disabledReason,
    errors: [],
    eventually_due: [...due],
    past_due: [...due],
    pending_verification: [],
  };
}

const REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

interface StoredResponse {
  method: string;
  path: string;
  params: string;
  status: number;
  body: unknown;
  requestId: string;
}

interface Answer {
  status: number;
  body: unknown;
}

type Handler = (match: RegExpExecArray, params: FormParams) => Answer;

export async function startLocalStripeServer(
  options: {
    port?: number;
    host?: string;
    /** Accept only this secret key; by default any `sk_test_`/`sk_live_`/`rk_` key is accepted. */
    secretKey?: string;
  } = {},
): Promise<LocalStripeServer> {
  const host = options.host ?? '127.0.0.1';
  const state: LocalStripeState = {
    customers: new Map(),
    paymentMethods: new Map(),
    setupIntents: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    accounts: new Map(),
    accountLinks: new Map(),
    transfers: new Map(),
    authenticateOnSession: false,
  };
  /** The test card behind each PaymentMethod this server made. */
  const cards = new Map<string, CardBehaviour>();
  /** Stored idempotent responses, per API key then per idempotency key. */
  const idempotency = new Map<string, StoredResponse>();
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  const delays: number[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  // --- objects ---------------------------------------------------------------------------

  const customerOrThrow = (id: string, param = 'customer'): Stripe.Customer => {
    const customer = state.customers.get(id);
    if (!customer) throw noSuch('customer', id, param);
    return customer;
  };

  /** A PaymentMethod by id; a Stripe test id becomes a new PaymentMethod with its card's behaviour. */
  const paymentMethodOrThrow = (id: string, param = 'payment_method'): Stripe.PaymentMethod => {
    const known = state.paymentMethods.get(id);
    if (known) return known;
    const card = testCard(id);
    if (!card) throw noSuch('PaymentMethod', id, param);
    const pm: Stripe.PaymentMethod = {
      id: newId('pm'),
      object: 'payment_method',
      created: now(),
      livemode: false,
      type: 'card',
      allow_redisplay: 'unspecified',
      customer: null,
      customer_account: null,
      metadata: {},
      billing_details: { address: emptyAddress(), email: null, name: null, phone: null, tax_id: null },
      card: {
        brand: card.brand,
        display_brand: card.brand,
        last4: card.last4,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        funding: 'credit',
        country: 'US',
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        generated_from: null,
        networks: { available: [card.brand], preferred: null },
        regulated_status: null,
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
    };
    state.paymentMethods.set(pm.id, pm);
    cards.set(pm.id, card);
    return pm;
  };

  const cardOf = (pm: Stripe.PaymentMethod): CardBehaviour => cards.get(pm.id) ?? testCard('pm_card_visa')!;

  const cardError = (declineCode: string, extra: Partial<LocalError>): StripeHttpError => {
    const code = declineCode === 'expired_card' || declineCode === 'authentication_required' ? declineCode : 'card_declined';
    const decline = declineCode === 'card_declined' || declineCode === 'expired_card' ? undefined : declineCode;
    return new StripeHttpError(402, {
      type: 'card_error',
      code,
      ...(decline ? { decline_code: decline } : {}),
      message: DECLINE_MESSAGES[declineCode] ?? 'Your card was declined.',
      doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
      ...extra,
    });
  };

  const attach = (pm: Stripe.PaymentMethod, customerId: string): void => {
    if (pm.customer && pm.customer !== customerId) {
      throw invalidRequest('The payment method you provided has already been attached to a customer.', 'payment_method');
    }
    pm.customer = customerId;
  };

  const accountOrThrow = (id: string): Stripe.Account => {
    const account = state.accounts.get(id);
    if (!account) {
      throw invalidRequest(
        `The provided key does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
        undefined,
        'account_invalid',
        403,
      );
    }
    return account;
  };

  const enablePayouts = (accountId: string): Stripe.Account => {
    const account = state.accounts.get(accountId);
    if (!account) throw new Error(`No such account: ${accountId}`);
    account.charges_enabled = true;
    account.payouts_enabled = true;
    account.details_submitted = true;
    account.capabilities = Object.fromEntries(Object.keys(account.capabilities ?? {}).map((name) => [name, 'active']));
    account.requirements = requirements([], null);
    return account;
  };

  // --- SetupIntents ----------------------------------------------------------------------

  const confirmSetupIntent = (si: Stripe.SetupIntent, paymentMethodId: string | undefined): Answer => {
    if (si.status === 'succeeded' || si.status === 'canceled') {
      throw invalidRequest(
        `You cannot confirm this SetupIntent because it has a status of ${si.status}.`,
        undefined,
        'setup_intent_unexpected_state',
      );
    }
    const pmId = paymentMethodId ?? si.payment_method;
    if (!pmId) {
      throw invalidRequest(
        "You cannot confirm this SetupIntent because it's missing a payment method.",
        'payment_method',
        'setup_intent_unexpected_state',
      );
    }
    const pm = paymentMethodOrThrow(idOf(pmId));
    si.payment_method = pm.id;
    const declined = cardOf(pm).onSave;
    if (declined) {
      const error = cardError(declined, { payment_method: pm });
      si.status = 'requires_payment_method';
      si.last_setup_error = { ...error.error };
      throw new StripeHttpError(402, { ...error.error, setup_intent: si });
    }
    if (si.customer) attach(pm, idOf(si.customer));
    si.status = 'succeeded';
    si.last_setup_error = null;
    return { status: 200, body: si };
  };

  // --- PaymentIntents --------------------------------------------------------------------

  const confirmPaymentIntent = (pi: Stripe.PaymentIntent, offSession: boolean): Answer => {
    if (!pi.payment_method) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    const pm = state.paymentMethods.get(idOf(pi.payment_method))!;
    const card = cardOf(pm);
    const declined = chargeOutcome(card, offSession);
    if (declined) {
      let chargeId: string | undefined;
      if (declined !== 'authentication_required') {
        const charge = makeCharge(pi, pm, false, declined);
        chargeId = charge.id;
        pi.latest_charge = charge.id;
      }
      const error = cardError(declined, { payment_method: pm, ...(chargeId ? { charge: chargeId } : {}) });
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { ...error.error };
      throw new StripeHttpError(402, { ...error.error, payment_intent: pi });
    }
    if (!offSession && state.authenticateOnSession && card.offSessionNeedsAuthentication) {
      pi.status = 'requires_action';
      pi.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${baseUrl}/3ds/${pi.id}` },
      };
      return { status: 200, body: pi };
    }
    const charge = makeCharge(pi, pm, true, null);
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.latest_charge = charge.id;
    pi.last_payment_error = null;
    pi.next_action = null;
    return { status: 200, body: pi };
  };

  const makeCharge = (
    pi: Stripe.PaymentIntent,
    pm: Stripe.PaymentMethod,
    paid: boolean,
    failureCode: string | null,
  ): Stripe.Charge => {
    const id = newId('ch');
    const charge: Stripe.Charge = {
      id,
      object: 'charge',
      created: now(),
      livemode: false,
      amount: pi.amount,
      amount_captured: paid ? pi.amount : 0,
      amount_refunded: 0,
      currency: pi.currency,
      customer: pi.customer,
      description: pi.description,
      payment_intent: pi.id,
      payment_method: pm.id,
      paid,
      captured: paid,
      refunded: false,
      status: paid ? 'succeeded' : 'failed',
      failure_code: failureCode,
      failure_message: failureCode ? (DECLINE_MESSAGES[failureCode] ?? 'Your card was declined.') : null,
      transfer_group: pi.transfer_group,
      metadata: { ...pi.metadata },
      balance_transaction: paid ? newId('txn') : null,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      billing_details: pm.billing_details,
      calculated_statement_descriptor: null,
      disputed: false,
      failure_balance_transaction: null,
      fraud_details: {},
      on_behalf_of: null,
      outcome: null,
      payment_method_details: null,
      receipt_email: null,
      receipt_number: null,
      receipt_url: null,
      refunds: emptyList(`/v1/charges/${id}/refunds`),
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      transfer_data: null,
    };
    state.charges.set(charge.id, charge);
    return charge;
  };

  // --- endpoints -------------------------------------------------------------------------

  const routes: Array<{ method: 'GET' | 'POST'; pattern: RegExp; handler: Handler }> = [];
  const route = (method: 'GET' | 'POST', pattern: RegExp, handler: Handler): void => {
    routes.push({ method, pattern, handler });
  };

  route('POST', /^\/v1\/customers$/, (_m, p) => {
    const customer: Stripe.Customer = {
      id: newId('cus'),
      object: 'customer',
      created: now(),
      livemode: false,
      email: optString(p, 'email') ?? null,
      name: optString(p, 'name') ?? null,
      description: optString(p, 'description') ?? null,
      metadata: optMetadata(p),
      balance: 0,
      delinquent: false,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      address: null,
      currency: null,
      default_source: null,
      discount: null,
      invoice_prefix: randomToken(8).toUpperCase(),
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
    state.customers.set(customer.id, customer);
    return { status: 200, body: customer };
  });

  route('POST', /^\/v1\/payment_methods\/([^/]+)\/attach$/, (m, p) => {
    const customerId = reqString(p, 'customer');
    customerOrThrow(customerId);
    const pm = paymentMethodOrThrow(decodeURIComponent(m[1]));
    const declined = cardOf(pm).onSave;
    if (declined) throw cardError(declined, { payment_method: pm });
    attach(pm, customerId);
    return { status: 200, body: pm };
  });

  route('POST', /^\/v1\/setup_intents$/, (_m, p) => {
    const customerId = optString(p, 'customer');
    if (customerId) customerOrThrow(customerId);
    const usage = optString(p, 'usage') ?? 'off_session';
    if (usage !== 'off_session' && usage !== 'on_session') throw invalidRequest(`Invalid usage: ${usage}`, 'usage');
    const paymentMethodId = optString(p, 'payment_method');
    const confirm = optBool(p, 'confirm') ?? false;
    const id = newId('seti');
    const si: Stripe.SetupIntent = {
      id,
      object: 'setup_intent',
      created: now(),
      livemode: false,
      client_secret: `${id}_secret_${randomToken(24)}`,
      customer: customerId ?? null,
      description: optString(p, 'description') ?? null,
      payment_method: paymentMethodId ? paymentMethodOrThrow(paymentMethodId).id : null,
      payment_method_types: ['card'],
      status: paymentMethodId ? 'requires_confirmation' : 'requires_payment_method',
      usage,
      metadata: optMetadata(p),
      last_setup_error: null,
      next_action: null,
      cancellation_reason: null,
      allowed_payment_method_types: null,
      application: null,
      automatic_payment_methods: null,
      excluded_payment_method_types: null,
      flow_directions: null,
      latest_attempt: null,
      mandate: null,
      on_behalf_of: null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      single_use_mandate: null,
    };
    state.setupIntents.set(si.id, si);
    return confirm ? confirmSetupIntent(si, undefined) : { status: 200, body: si };
  });

  route('POST', /^\/v1\/setup_intents\/([^/]+)\/confirm$/, (m, p) => {
    const id = decodeURIComponent(m[1]);
    const si = state.setupIntents.get(id);
    if (!si) throw noSuch('setupintent', id, 'intent', 404);
    return confirmSetupIntent(si, optString(p, 'payment_method'));
  });

  route('POST', /^\/v1\/payment_intents$/, (_m, p) => {
    const amount = amountParam(p, true)!;
    const currency = currencyParam(p);
    const customerId = optString(p, 'customer');
    if (customerId) customerOrThrow(customerId);
    const confirm = optBool(p, 'confirm') ?? false;
    const offSessionRaw = optString(p, 'off_session');
    if (offSessionRaw !== undefined && !['true', 'false', 'one_off', 'recurring'].includes(offSessionRaw)) {
      throw invalidRequest(`Invalid off_session: ${offSessionRaw}`, 'off_session');
    }
    const offSession = offSessionRaw !== undefined && offSessionRaw !== 'false';
    if (offSession && !confirm) throw invalidRequest('off_session can only be used when confirm=true.', 'off_session');
    const paymentMethodId = optString(p, 'payment_method');
    const pm = paymentMethodId ? paymentMethodOrThrow(paymentMethodId) : undefined;
    if (pm && customerId && pm.customer && pm.customer !== customerId) {
      throw invalidRequest(
        `The provided PaymentMethod ${pm.id} belongs to another Customer. Use the Customer it is attached to.`,
        'payment_method',
      );
    }
    const id = newId('pi');
    const pi: Stripe.PaymentIntent = {
      id,
      object: 'payment_intent',
      created: now(),
      livemode: false,
      amount,
      amount_capturable: 0,
      amount_received: 0,
      currency,
      customer: customerId ?? null,
      description: optString(p, 'description') ?? null,
      payment_method: pm?.id ?? null,
      payment_method_types: ['card'],
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      client_secret: `${id}_secret_${randomToken(24)}`,
      transfer_group: optString(p, 'transfer_group') ?? null,
      metadata: optMetadata(p),
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
      setup_future_usage: null,
      canceled_at: null,
      cancellation_reason: null,
      allowed_payment_method_types: null,
      amount_details: { tip: {} },
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      customer_account: null,
      excluded_payment_method_types: null,
      managed_payments: null,
      on_behalf_of: null,
      payment_record: null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      processing: null,
      receipt_email: null,
      review: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      transfer_data: null,
    };
    state.paymentIntents.set(pi.id, pi);
    return confirm ? confirmPaymentIntent(pi, offSession) : { status: 200, body: pi };
  });

  route('POST', /^\/v1\/refunds$/, (_m, p) => {
    const paymentIntentId = optString(p, 'payment_intent');
    const chargeId = optString(p, 'charge');
    let charge: Stripe.Charge | undefined;
    if (paymentIntentId) {
      const pi = state.paymentIntents.get(paymentIntentId);
      if (!pi) throw noSuch('payment_intent', paymentIntentId, 'payment_intent');
      charge = pi.latest_charge ? state.charges.get(idOf(pi.latest_charge)) : undefined;
      if (pi.status !== 'succeeded' || !charge) {
        throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'payment_intent');
      }
    } else if (chargeId) {
      charge = state.charges.get(chargeId);
      if (!charge) throw noSuch('charge', chargeId, 'charge');
    } else {
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
        undefined,
        'parameter_missing',
      );
    }
    if (!charge.paid) throw invalidRequest(`Charge ${charge.id} has not been paid.`, undefined, 'charge_not_refundable');
    if (charge.refunded)
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    const remaining = charge.amount - charge.amount_refunded;
    const amount = amountParam(p, false) ?? remaining;
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount',
        'amount_too_large',
      );
    }
    const reason = optString(p, 'reason');
    if (reason !== undefined && !REFUND_REASONS.has(reason)) throw invalidRequest(`Invalid reason: ${reason}`, 'reason');
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund: Stripe.Refund = {
      id: newId('re'),
      object: 'refund',
      created: now(),
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: reason ?? null,
      status: 'succeeded',
      metadata: optMetadata(p),
      balance_transaction: newId('txn'),
      customer: charge.customer,
      customer_account: null,
      destination_details: { type: 'card', card: { type: 'refund' } },
      payment_method: charge.payment_method,
      receipt_number: null,
      source_transfer_reversal: null,
      transfer_reversal: null,
    };
    state.refunds.set(refund.id, refund);
    return { status: 200, body: refund };
  });

  route('POST', /^\/v1\/accounts$/, (_m, p) => {
    const type = optString(p, 'type') ?? 'standard';
    if (type !== 'express' && type !== 'standard' && type !== 'custom') throw invalidRequest(`Invalid type: ${type}`, 'type');
    const country = (optString(p, 'country') ?? 'US').toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) throw invalidRequest(`Country '${country}' is unknown.`, 'country');
    const capabilities: Record<string, Stripe.Account.Capabilities.Transfers> = {};
    const requested = p.capabilities;
    if (requested !== undefined) {
      if (typeof requested !== 'object' || Array.isArray(requested)) throw invalidRequest('Invalid object', 'capabilities');
      for (const [name, value] of Object.entries(requested)) {
        const flag = typeof value === 'object' && !Array.isArray(value) ? value.requested : undefined;
        if (flag !== 'true' && flag !== 'false') throw invalidRequest('Invalid boolean', `capabilities[${name}][requested]`);
        if (flag === 'true') capabilities[name] = 'inactive';
      }
    }
    const id = newId('acct');
    const account: Stripe.Account = {
      id,
      object: 'account',
      created: now(),
      type,
      business_profile: null,
      business_type: null,
      controller: { type: 'application', is_controller: true },
      external_accounts: emptyList(`/v1/accounts/${id}/external_accounts`),
      future_requirements: requirements([], null),
      settings: null,
      tos_acceptance: { date: null, ip: null, user_agent: null },
      country,
      email: optString(p, 'email') ?? null,
      default_currency:
        DEFAULT_CURRENCY_BY_COUNTRY[country] ??
        (['FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'IE', 'AT', 'PT', 'FI'].includes(country) ? 'eur' : 'usd'),
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities,
      requirements: requirements(ONBOARDING_REQUIREMENTS, 'requirements.past_due'),
      metadata: optMetadata(p),
    };
    state.accounts.set(account.id, account);
    return { status: 200, body: account };
  });

  route('GET', /^\/v1\/accounts\/([^/]+)$/, (m) => ({ status: 200, body: accountOrThrow(decodeURIComponent(m[1])) }));

  route('POST', /^\/v1\/account_links$/, (_m, p) => {
    const accountId = reqString(p, 'account');
    if (!state.accounts.has(accountId)) throw noSuch('account', accountId, 'account');
    const type = reqString(p, 'type');
    if (type !== 'account_onboarding' && type !== 'account_update') throw invalidRequest(`Invalid type: ${type}`, 'type');
    const refreshUrl = httpUrlParam(p, 'refresh_url');
    const returnUrl = httpUrlParam(p, 'return_url');
    const token = randomToken(32);
    const created = now();
    const link: Stripe.AccountLink = {
      object: 'account_link',
      created,
      expires_at: created + 300,
      url: `${baseUrl}/setup/e/${accountId}/${token}`,
    };
    state.accountLinks.set(token, { link, account: accountId, refresh_url: refreshUrl, return_url: returnUrl });
    return { status: 200, body: link };
  });

  route('POST', /^\/v1\/transfers$/, (_m, p) => {
    const amount = amountParam(p, true)!;
    const currency = currencyParam(p);
    const destination = reqString(p, 'destination');
    const account = state.accounts.get(destination);
    if (!account) throw noSuch('destination', destination, 'destination');
    if (account.capabilities?.transfers !== 'active') {
      throw invalidRequest(
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        'destination',
        'insufficient_capabilities_for_transfer',
      );
    }
    const id = newId('tr');
    const transfer: Stripe.Transfer = {
      id,
      object: 'transfer',
      created: now(),
      livemode: false,
      amount,
      amount_reversed: 0,
      currency,
      description: optString(p, 'description') ?? null,
      destination,
      destination_payment: newId('py'),
      transfer_group: optString(p, 'transfer_group') ?? null,
      source_transaction: optString(p, 'source_transaction') ?? null,
      reversed: false,
      metadata: optMetadata(p),
      balance_transaction: newId('txn'),
      reversals: emptyList(`/v1/transfers/${id}/reversals`),
      source_type: 'card',
    };
    state.transfers.set(transfer.id, transfer);
    return { status: 200, body: transfer };
  });

  // Retrieval of everything else the server holds, for tests and later webhook work.
  const retrievable: Array<[string, string, Map<string, unknown>]> = [
    ['customers', 'customer', state.customers],
    ['payment_methods', 'PaymentMethod', state.paymentMethods],
    ['setup_intents', 'setupintent', state.setupIntents],
    ['payment_intents', 'payment_intent', state.paymentIntents],
    ['charges', 'charge', state.charges],
    ['refunds', 'refund', state.refunds],
    ['transfers', 'transfer', state.transfers],
  ];
  for (const [collection, kind, map] of retrievable) {
    route('GET', new RegExp(`^/v1/${collection}/([^/]+)$`), (m) => {
      const id = decodeURIComponent(m[1]);
      const found = map.get(id);
      if (!found) throw noSuch(kind, id, 'id', 404);
      return { status: 200, body: found };
    });
  }

  // --- HTTP plumbing ---------------------------------------------------------------------

  const apiKeyOf = (authorization: string | undefined): string | null => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return null;
    const key = match[1];
    if (options.secretKey !== undefined) return key === options.secretKey ? key : null;
    return /^(sk_(test|live)|rk_(test|live))_[A-Za-z0-9_]+$/.test(key) ? key : null;
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const send = (
    res: ServerResponse,
    record: RecordedRequest,
    answer: Answer,
    headers: Record<string, string>,
    delayMs: number,
  ): void => {
    record.status = answer.status;
    const write = (): void => {
      if (res.destroyed || res.writableEnded) return;
      const body = JSON.stringify(answer.body, null, 2);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        ...(record.headers['stripe-version'] ? { 'Stripe-Version': record.headers['stripe-version'] } : {}),
        ...headers,
      });
      res.end(body);
    };
    if (delayMs <= 0) return write();
    const timer = setTimeout(() => {
      pending.delete(timer);
      write();
    }, delayMs);
    pending.add(timer);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const idempotencyKey = method === 'POST' ? (headers['idempotency-key'] ?? null) : null;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      rawBody,
      params: {},
      idempotencyKey,
      replayed: false,
      status: 0,
    };
    requests.push(record);
    const requestId = `req_${randomToken(14)}`;
    const responseHeaders: Record<string, string> = { 'Request-Id': requestId };
    if (idempotencyKey) responseHeaders['Idempotency-Key'] = idempotencyKey;
    const errorAnswer = (status: number, error: LocalError): Answer => ({ status, body: { error } });

    // The account link's URL: opening it completes onboarding and goes to return_url (an
    // expired link goes to refresh_url, as at Stripe).
    const onboarding = /^\/setup\/e\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && onboarding) {
      const link = state.accountLinks.get(onboarding[2]);
      if (!link || link.account !== onboarding[1]) {
        record.status = 404;
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('This link is invalid.');
        return;
      }
      if (link.link.expires_at < now()) {
        record.status = 302;
        res.writeHead(302, { Location: link.refresh_url }).end();
        return;
      }
      enablePayouts(link.account);
      record.status = 302;
      res.writeHead(302, { Location: link.return_url }).end();
      return;
    }

    const failure = failures.shift();
    if (failure !== undefined) return send(res, record, errorAnswer(failure, injectedError(failure)), responseHeaders, 0);
    const delayMs = delays.shift() ?? 0;

    const apiKey = apiKeyOf(headers.authorization);
    if (!apiKey) {
      const message = headers.authorization
        ? 'Invalid API Key provided.'
        : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
      return send(res, record, errorAnswer(401, { type: 'invalid_request_error', message }), responseHeaders, delayMs);
    }

    let params: FormParams;
    try {
      params = parseStripeForm(method === 'POST' ? rawBody : url.search.slice(1));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return send(res, record, errorAnswer(400, { type: 'invalid_request_error', message }), responseHeaders, delayMs);
    }
    record.params = params;

    const storeKey = idempotencyKey ? `${apiKey}\u0000${idempotencyKey}` : null;
    const paramsKey = canonical(params);
    const stored = storeKey ? idempotency.get(storeKey) : undefined;
    if (stored) {
      if (stored.method !== method || stored.path !== url.pathname) {
        const message = `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${url.pathname}' vs '${stored.path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
        return send(res, record, errorAnswer(400, { type: 'idempotency_error', message }), responseHeaders, delayMs);
      }
      if (stored.params !== paramsKey) {
        const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
        return send(res, record, errorAnswer(400, { type: 'idempotency_error', message }), responseHeaders, delayMs);
      }
      record.replayed = true;
      const replayHeaders = { ...responseHeaders, 'Idempotent-Replayed': 'true', 'Original-Request': stored.requestId };
      return send(res, record, { status: stored.status, body: stored.body }, replayHeaders, delayMs);
    }

    const matched = routes
      .filter((r) => r.pattern.test(url.pathname))
      .map((r) => ({ ...r, match: r.pattern.exec(url.pathname)! }));
    const endpoint = matched.find((r) => r.method === method);
    if (!endpoint) {
      const message = `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`;
      return send(res, record, errorAnswer(404, { type: 'invalid_request_error', message }), responseHeaders, delayMs);
    }

    let answer: Answer;
    try {
      answer = endpoint.handler(endpoint.match, params);
    } catch (err) {
      if (!(err instanceof StripeHttpError)) throw err;
      answer = errorAnswer(err.status, err.error);
    }
    // Stored like Stripe: results of requests that ran (successes and card errors), as JSON
    // snapshots so later changes to the objects do not alter a replay.
    if (storeKey && (answer.status === 200 || answer.status === 402)) {
      answer = { status: answer.status, body: JSON.parse(JSON.stringify(answer.body)) as unknown };
      idempotency.set(storeKey, {
        method,
        path: url.pathname,
        params: paramsKey,
        status: answer.status,
        body: answer.body,
        requestId,
      });
    }
    send(res, record, answer, responseHeaders, delayMs);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: `Local Stripe server bug: ${message}` } }));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    requests,
    requestsTo: (method, path) =>
      requests.filter(
        (r) => r.method === method.toUpperCase() && (typeof path === 'string' ? r.path === path : path.test(r.path)),
      ),
    failNext: (status, times = 1) => {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    delayNext: (ms, times = 1) => {
      for (let i = 0; i < times; i++) delays.push(ms);
    },
    enablePayouts,
    state,
    reset: () => {
      for (const map of [
        state.customers,
        state.paymentMethods,
        state.setupIntents,
        state.paymentIntents,
        state.charges,
        state.refunds,
        state.accounts,
        state.accountLinks,
        state.transfers,
      ]) {
        map.clear();
      }
      state.authenticateOnSession = false;
      cards.clear();
      idempotency.clear();
      requests.length = 0;
      failures.length = 0;
      delays.length = 0;
    },
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
