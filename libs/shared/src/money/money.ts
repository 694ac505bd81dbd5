/**
 * Money is an integer count of a currency's minor units plus its ISO-4217 code, as Stripe
 * counts it. Never floats. Currency facts (valid codes, minor-unit digits) come from the
 * ICU data that ships with Node, not from a hand-kept list.
 */
import { DomainError } from '../errors/domain-error';

export interface Money {
  amount: number;
  currency: string;
}

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Stripe's largest single charge, in minor units. */
export const MAX_CHARGE_MINOR_UNITS = 99_999_999;

export function isIsoCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && ISO_CURRENCIES.has(code);
}

/** Upper-cases and checks a currency code; BAD_USER_INPUT naming `path` otherwise. */
export function normalizeCurrency(code: string, path = 'currency'): string {
  const upper = code.trim().toUpperCase();
  if (!isIsoCurrency(upper)) throw DomainError.badField(path, `"${code}" is not an ISO-4217 currency code (e.g. EUR, USD)`);
  return upper;
}

/** Digits after the decimal point for a currency: 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  // The formatter formatMoney keeps per currency: making an Intl.NumberFormat is costly (a
  // pledge's amount check asks twice per request).
  return currencyFormatter(currency).digits;
}

/** The smallest amount that is one whole unit of the currency (100 for EUR, 1 for JPY). */
export function oneMajorUnit(currency: string): number {
  return 10 ** minorUnitDigits(currency);
}

const formatters = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/**
 * The en formatter of a currency and its digits, made once per currency (an invalid code throws
 * RangeError, as Intl does, and is not kept). The digits are kept beside it: resolvedOptions()
 * builds a new object on every call (formatMoney and minorUnitDigits were 1.8% of the api's busy
 * time under the pledge bench).
 */
function currencyFormatter(currency: string): { format: Intl.NumberFormat; digits: number } {
  let formatter = formatters.get(currency);
  if (!formatter) {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    formatter = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** "€12.50" for { amount: 1250, currency: 'EUR' }. */
export function formatMoney(money: Money): string {
  const { format, digits } = currencyFormatter(money.currency);
  // Divide as decimal text, not as a float product, so large amounts stay exact.
  const negative = money.amount < 0;
  const units = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  const decimal = digits > 0 ? `${units.slice(0, -digits)}.${units.slice(-digits)}` : units;
  return format.format(`${negative ? '-' : ''}${decimal}` as unknown as number);
}

export function money(amount: number, currency: string): Money {
  return { amount, currency };
}

/** Checks an amount in minor units: a positive safe integer, within Stripe's charge limit when asked. */
export function assertPositiveAmount(amount: number, path = 'amount', options: { maxCharge?: boolean } = {}): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw DomainError.badField(path, 'must be a positive whole number of minor units (cents)');
  if (options.maxCharge && amount > MAX_CHARGE_MINOR_UNITS) {
    throw DomainError.badField(path, `must be at most ${MAX_CHARGE_MINOR_UNITS} minor units, the largest single charge`);
  }
}
