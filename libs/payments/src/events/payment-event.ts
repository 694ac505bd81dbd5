/**
 * Payment facts, published to PaymentEvents' subscribers. No module subscribes yet, so the
 * facade offers no way to: add `onPaymentEvent(listener)` there when one needs to.
 * Listeners run inside the transaction that records the fact (a webhook's inbox row, a
 * payout's status change): what they write commits with it, and a listener that throws rolls
 * it back (a webhook is then redelivered, a job retried). Each fact is published once, when
 * our record changes; facts learned from our own synchronous calls (a charge made through the
 * facade) are the caller's to act on and are not published again.
 */
import type { EntityManager } from 'typeorm';

export interface EventMoney {
  amount: number;
  currency: string;
}

export type PaymentEvent =
  | { type: 'payments.charge.succeeded'; chargeId: string; money: EventMoney; customerId: string | null }
  | { type: 'payments.charge.failed'; chargeId: string; declineCode: string | null; customerId: string | null }
  | { type: 'payments.charge.refunded'; chargeId: string; amountRefunded: EventMoney }
  | { type: 'payments.payout.paid'; payoutId: string; recipientProfileId: string; sourceId: string; money: EventMoney }
  | { type: 'payments.payout.failed'; payoutId: string; recipientProfileId: string; sourceId: string; money: EventMoney; reason: string };

export type PaymentEventListener = (event: PaymentEvent, manager: EntityManager) => Promise<void>;
