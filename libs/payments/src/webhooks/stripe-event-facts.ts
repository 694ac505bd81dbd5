/**
 * Pure translation of verified Stripe events into the facts we act on. Reads events by
 * shape (no SDK import), so recorded payloads can be unit-tested.
 *
 * Pure and Nest-free.
 */

type StripeObject = Record<string, unknown>;

export interface StripeEventShape {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: { object: object };
}

export type StripeFact =
  | { kind: 'charge'; chargeId: string; customerId: string | null; amount: number; currency: string; fact: 'succeeded' }
  | { kind: 'charge'; chargeId: string; customerId: string | null; amount: number; currency: string; fact: 'failed'; declineCode: string | null }
  | { kind: 'charge'; chargeId: string; customerId: string | null; amount: number; currency: string; fact: 'refunded'; amountRefunded: number }
  | { kind: 'account'; accountId: string; payoutsEnabled: boolean; reportedAt: Date }
  | { kind: 'transfer'; transferId: string; payoutId: string | null; amount: number; currency: string; reversed: boolean }
  | { kind: 'ignored'; reason: string };

/**
 * Why a correctly signed event cannot be recorded, or undefined when it can: an id and a type
 * of storable text, `created` in whole Unix seconds, and no text anywhere that PostgreSQL
 * cannot store (its jsonb refuses NUL). Such an event is answered 400, not retried by Stripe
 * as a 500 would be. `isStorableText` is @foule/shared's (passed in: this file stays Nest-free).
 */
export function malformedEventProblem(event: unknown, isStorableText: (text: string) => boolean): string | undefined {
  const { id, type, created, data } = objectOf(event);
  const shortText = (value: unknown) => typeof value === 'string' && value.length > 0 && value.length <= 255 && isStorableText(value);
  if (!shortText(id)) return 'the event id must be a non-empty string of at most 255 storable characters';
  if (!shortText(type)) return 'the event type must be a non-empty string of at most 255 storable characters';
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || created < 0) return 'the event created time must be whole Unix seconds';
  if (!data || typeof data !== 'object' || !objectOf(data).object || typeof objectOf(data).object !== 'object') return 'the event has no data.object';
  const allTextStorable = (value: unknown): boolean => {
    if (typeof value === 'string') return isStorableText(value);
    if (Array.isArray(value)) return value.every(allTextStorable);
    if (value && typeof value === 'object') return Object.entries(value).every(([key, item]) => isStorableText(key) && allTextStorable(item));
    return true;
  };
  if (!allTextStorable(event)) return 'the event holds text with NUL characters or unpaired surrogates';
  return undefined;
}

/** An id, or an expanded object's id. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const id = value && typeof value === 'object' ? (value as StripeObject).id : undefined;
  return typeof id === 'string' ? id : null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const amount = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);
const currencyOf = (value: unknown): string => (typeof value === 'string' ? value.toUpperCase() : '');
const objectOf = (value: unknown): StripeObject => (value && typeof value === 'object' ? (value as StripeObject) : {});

export function factFromStripeEvent(event: StripeEventShape): StripeFact {
  const fact = readFact(event);
  // An event we cannot read is acknowledged and left alone rather than retried forever.
  if (fact.kind === 'charge' || fact.kind === 'transfer') {
    const id = fact.kind === 'charge' ? fact.chargeId : fact.transferId;
    if (!id || !Number.isSafeInteger(fact.amount) || fact.amount <= 0 || !/^[A-Z]{3}$/.test(fact.currency)) {
      return { kind: 'ignored', reason: `${event.type} ${event.id} lacks an id, an amount or a currency` };
    }
    if (fact.kind === 'charge' && fact.fact === 'refunded' && !(Number.isSafeInteger(fact.amountRefunded) && fact.amountRefunded <= fact.amount)) {
      return { kind: 'ignored', reason: `${event.type} ${event.id} has an unreadable amount_refunded` };
    }
  }
  if (fact.kind === 'account' && (!fact.accountId || Number.isNaN(fact.reportedAt.getTime()))) {
    return { kind: 'ignored', reason: `${event.type} ${event.id} lacks an account id or a time` };
  }
  return fact;
}

function readFact(event: StripeEventShape): StripeFact {
  const object = objectOf(event.data?.object);
  const id = text(object.id) ?? '';
  switch (event.type) {
    case 'payment_intent.succeeded':
      return {
        kind: 'charge',
        fact: 'succeeded',
        chargeId: id,
        customerId: idOf(object.customer),
        amount: amount(object.amount_received) || amount(object.amount),
        currency: currencyOf(object.currency),
      };
    case 'payment_intent.payment_failed': {
      const error = objectOf(object.last_payment_error);
      return {
        kind: 'charge',
        fact: 'failed',
        chargeId: id,
        customerId: idOf(object.customer),
        amount: amount(object.amount),
        currency: currencyOf(object.currency),
        declineCode: text(error.decline_code) ?? text(error.code),
      };
    }
    case 'charge.refunded':
      // A Charge: we know charges by their PaymentIntent, when there is one.
      return {
        kind: 'charge',
        fact: 'refunded',
        chargeId: idOf(object.payment_intent) ?? id,
        customerId: idOf(object.customer),
        amount: amount(object.amount),
        currency: currencyOf(object.currency),
        amountRefunded: amount(object.amount_refunded),
      };
    case 'account.updated':
      return { kind: 'account', accountId: id, payoutsEnabled: object.payouts_enabled === true, reportedAt: new Date(event.created * 1000) };
    case 'transfer.created':
    case 'transfer.updated':
    case 'transfer.reversed': {
      const transferred = amount(object.amount);
      const reversed = event.type === 'transfer.reversed' || object.reversed === true;
      if (reversed && amount(object.amount_reversed) < transferred) return { kind: 'ignored', reason: `partial reversal of ${id}` };
      return {
        kind: 'transfer',
        transferId: id,
        payoutId: text(objectOf(object.metadata).payoutId),
        amount: transferred,
        currency: currencyOf(object.currency),
        reversed,
      };
    }
    default:
      return { kind: 'ignored', reason: `${event.type} is not an event we act on` };
  }
}
