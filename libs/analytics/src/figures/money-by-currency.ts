/**
 * Sums of money kept per currency: analytics never adds euros to dollars. Amounts come from
 * PostgreSQL bigints (strings) and must stay safe integers of minor units.
 *
 * Pure and Nest-free.
 */
import type { Money } from '@foule/shared';

export class MoneyByCurrency {
  private readonly totals = new Map<string, number>();

  add(currency: string, amount: number | string | null | undefined): this {
    if (amount === null || amount === undefined) return this;
    const value = typeof amount === 'string' ? Number(amount) : amount;
    if (!Number.isSafeInteger(value)) throw new RangeError(`${currency} total ${amount} is not a safe integer of minor units`);
    const key = currency.trim().toUpperCase();
    const total = (this.totals.get(key) ?? 0) + value;
    if (!Number.isSafeInteger(total)) throw new RangeError(`${key} total overflows a safe integer`);
    this.totals.set(key, total);
    return this;
  }

  /** One Money per currency that was seen, by currency code; zeros are kept (a window of refunds only nets to 0). */
  list(): Money[] {
    return [...this.totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
  }
}
