import { Injectable } from '@nestjs/common';
import { updateReturning } from '@foule/shared';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentEvents } from '../events/payment-events';
import { applyChargeFact, type ChargeFact, type ChargeState } from './charge-state';

export interface ChargeIdentity {
  chargeId: string;
  provider: string;
  customerId: string | null;
  amount: number;
  currency: string;
}

/**
 * Our record of the provider's charges (payments.charges): what the facade's calls returned,
 * reconciled with what webhooks report later. Facts learned by webhooks are published to
 * subscribers when they are news; our own calls' results are their caller's to act on.
 */
@Injectable()
export class ChargeRecordsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: PaymentEvents,
  ) {}

  /**
   * After a facade call: what the provider answered. A charge new to us (the usual case) is
   * one statement, inserted as the fact makes it; one we knew (a replayed key, a webhook that
   * came first) is reconciled under its row lock.
   */
  async recordCall(charge: ChargeIdentity, fact: ChargeFact): Promise<void> {
    const { next } = applyChargeFact(null, fact);
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO payments.charges (id, provider, customer_id, amount, currency, status, decline_code, amount_refunded)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [charge.chargeId, charge.provider, charge.customerId, charge.amount, charge.currency, next.status, next.declineCode, next.amountRefunded],
    );
    if (inserted.length === 1) return;
    await this.dataSource.transaction((manager) => this.apply(manager, charge, fact, false));
  }

  /**
   * recordCall for many calls, in the caller's transaction: the charges new to us in one
   * multi-row statement (in id order, as concurrent recorders lock), those we knew (a replayed
   * key, a webhook that came first) reconciled one by one under their row locks.
   */
  async recordCalls(manager: EntityManager, calls: readonly { charge: ChargeIdentity; fact: ChargeFact }[]): Promise<void> {
    if (calls.length === 0) return;
    const sorted = [...calls].sort((a, b) => (a.charge.chargeId < b.charge.chargeId ? -1 : a.charge.chargeId > b.charge.chargeId ? 1 : 0));
    const rows = sorted.map(({ charge, fact }) => ({ charge, next: applyChargeFact(null, fact).next }));
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO payments.charges (id, provider, customer_id, amount, currency, status, decline_code, amount_refunded)
       SELECT id, provider, customer_id, amount, currency, status, decline_code, amount_refunded
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bigint[])
              WITH ORDINALITY AS c(id, provider, customer_id, amount, currency, status, decline_code, amount_refunded, n)
        ORDER BY n
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        rows.map(({ charge }) => charge.chargeId),
        rows.map(({ charge }) => charge.provider),
        rows.map(({ charge }) => charge.customerId),
        rows.map(({ charge }) => charge.amount),
        rows.map(({ charge }) => charge.currency),
        rows.map(({ next }) => next.status),
        rows.map(({ next }) => next.declineCode),
        rows.map(({ next }) => next.amountRefunded),
      ],
    );
    const fresh = new Set(inserted.map((row) => row.id));
    for (const { charge, fact } of sorted) if (!fresh.has(charge.chargeId)) await this.apply(manager, charge, fact, false);
  }

  /** From a webhook, in its inbox transaction. */
  async recordReported(manager: EntityManager, charge: ChargeIdentity, fact: ChargeFact): Promise<void> {
    await this.apply(manager, charge, fact, true);
  }

  private async apply(manager: EntityManager, charge: ChargeIdentity, fact: ChargeFact, publish: boolean): Promise<void> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO payments.charges (id, provider, customer_id, amount, currency, status, decline_code, amount_refunded)
       VALUES ($1, $2, $3, $4, $5, 'failed', NULL, 0) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [charge.chargeId, charge.provider, charge.customerId, charge.amount, charge.currency],
    );
    const [row] = await manager.query<{ status: 'succeeded' | 'failed'; decline_code: string | null; amount_refunded: string }[]>(
      'SELECT status, decline_code, amount_refunded FROM payments.charges WHERE id = $1 FOR UPDATE',
      [charge.chargeId],
    );
    // A row this transaction just inserted is a placeholder: the charge is new to us.
    const current: ChargeState | null =
      inserted.length === 1 ? null : { status: row.status, declineCode: row.decline_code, amountRefunded: Number(row.amount_refunded) };
    const transition = applyChargeFact(current, fact);
    const { next } = transition;
    await updateReturning(
      manager,
      `UPDATE payments.charges SET status = $2, decline_code = $3, amount_refunded = $4, customer_id = coalesce(customer_id, $5), updated_at = now()
        WHERE id = $1`,
      [charge.chargeId, next.status, next.declineCode, next.amountRefunded, charge.customerId],
    );
    if (!publish) return;
    const money = { amount: charge.amount, currency: charge.currency };
    if (transition.becameSucceeded) {
      await this.events.publish({ type: 'payments.charge.succeeded', chargeId: charge.chargeId, money, customerId: charge.customerId }, manager);
    }
    if (transition.becameFailed) {
      await this.events.publish(
        { type: 'payments.charge.failed', chargeId: charge.chargeId, declineCode: next.declineCode, customerId: charge.customerId },
        manager,
      );
    }
    if (transition.refundedMore > 0) {
      await this.events.publish(
        { type: 'payments.charge.refunded', chargeId: charge.chargeId, amountRefunded: { amount: next.amountRefunded, currency: charge.currency } },
        manager,
      );
    }
  }
}
