/**
 * Stripe's own sample objects (`stripe-fixtures.json` here, a copy of `../shared/stripe/fixtures.json`, taken from
 * Stripe's published OpenAPI fixtures), so tests build Stripe payloads from what Stripe sends and
 * override only the fields they are about. Read at test time; never part of the product.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Stripe from 'stripe';

/** The resources in fixtures.json, with the SDK type of each. */
export interface StripeSamples {
  payment_intent: Stripe.PaymentIntent;
  setup_intent: Stripe.SetupIntent;
  customer: Stripe.Customer;
  refund: Stripe.Refund;
  transfer: Stripe.Transfer;
  account: Stripe.Account;
  account_link: Stripe.AccountLink;
  event: Stripe.Event;
  charge: Stripe.Charge;
  payment_method: Stripe.PaymentMethod;
  balance_transaction: Stripe.BalanceTransaction;
}

export type StripeResource = keyof StripeSamples;

/**
 * The repository's copy of Stripe's samples, so a clone tests on its own. The team's reference
 * copy is `../shared/stripe/fixtures.json` beside the repository; a unit test fails when the two
 * differ (where the reference is present, as in CI).
 */
export const STRIPE_FIXTURES_PATH = path.join(__dirname, 'stripe-fixtures.json');
/** The team's reference copy, beside the repository (this file is libs/payments/testing/). */
export const SHARED_STRIPE_FIXTURES_PATH = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'stripe', 'fixtures.json');

let samples: StripeSamples | undefined;

function allSamples(): StripeSamples {
  samples ??= (JSON.parse(readFileSync(STRIPE_FIXTURES_PATH, 'utf8')) as { resources: StripeSamples }).resources;
  return samples;
}

/** A fresh copy of Stripe's sample `resource`, with `overrides` applied on top. */
export function stripeSample<R extends StripeResource>(resource: R, overrides: Partial<StripeSamples[R]> = {}): StripeSamples[R] {
  const sample = allSamples()[resource];
  if (!sample) throw new Error(`${STRIPE_FIXTURES_PATH} has no sample for '${resource}'`);
  return { ...structuredClone(sample), ...overrides };
}

/** A Stripe event as a webhook delivers it: Stripe's sample event around `object`. */
export interface StripeEventPayload extends Omit<Stripe.Event, 'type' | 'data'> {
  type: string;
  data: { object: object };
}

let sequence = 0;

/** Stripe's sample event of `type` carrying `object`, with a unique id. */
export function stripeEventSample(type: string, object: object, created = Math.floor(Date.now() / 1000)): StripeEventPayload {
  const sample = stripeSample('event');
  return { ...sample, id: `evt_test_${Date.now()}_${sequence++}`, type, created, data: { object } };
}
