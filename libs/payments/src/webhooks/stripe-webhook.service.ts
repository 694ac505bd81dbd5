import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type StripeSdk from 'stripe';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, DomainError, isStorableText, type AppConfig } from '@foule/shared';
import { ChargeRecordsService } from '../charges/charge-records.service';
import type { ChargeFact } from '../charges/charge-state';
import { PayoutAccountService } from '../payouts/payout-account.service';
import { PayoutService } from '../payouts/payout.service';
import { factFromStripeEvent, malformedEventProblem, type StripeEventShape, type StripeFact } from './stripe-event-facts';

/** Stripe's default: a signature older than this is refused, so a captured request cannot be replayed later. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Stripe webhooks: verified on the raw body with the signing secret, then handled once per
 * event id (the inbox row and the event's effects commit together), in whatever order Stripe
 * delivers them: each handler applies a fact that is idempotent and order-independent.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger('StripeWebhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly charges: ChargeRecordsService,
    private readonly payouts: PayoutService,
    private readonly accounts: PayoutAccountService,
  ) {}

  verify(rawBody: Buffer | undefined, signature: string | undefined): StripeEventShape {
    const secret = this.config.stripeWebhookSecret;
    // No configuration names in answers: they tell a caller how the server is set up.
    if (!secret) throw new DomainError('NOT_FOUND', 'Stripe webhooks are not enabled on this server');
    if (!rawBody || rawBody.length === 0) throw DomainError.badField('body', 'expected the JSON body of a Stripe event');
    if (!signature) throw DomainError.badField('stripe-signature', 'the Stripe-Signature header is missing');
    let event: StripeEventShape;
    try {
      // The SDK is loaded on the first webhook, not at boot (the sandbox never needs it).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { webhooks } = require('stripe') as typeof StripeSdk;
      event = webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      throw DomainError.badField('stripe-signature', error instanceof Error ? error.message : 'the signature does not match');
    }
    const problem = malformedEventProblem(event, isStorableText);
    if (problem) {
      // The reason only: the body may hold anything, and the header is a signature.
      this.logger.warn(`refused a signed Stripe event that cannot be recorded: ${problem}`);
      throw DomainError.badField('body', problem);
    }
    return event;
  }

  async receive(event: StripeEventShape): Promise<{ received: true; duplicate: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO payments.webhook_events (id, type, occurred_at, payload) VALUES ($1, $2, to_timestamp($3), $4)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, event.created, JSON.stringify(event)],
      );
      if (inserted.length === 0) return { received: true as const, duplicate: true };
      await this.apply(manager, factFromStripeEvent(event), event);
      return { received: true as const, duplicate: false };
    });
  }

  private async apply(manager: EntityManager, fact: StripeFact, event: StripeEventShape): Promise<void> {
    switch (fact.kind) {
      case 'charge': {
        const chargeFact: ChargeFact =
          fact.fact === 'succeeded'
            ? { kind: 'succeeded' }
            : fact.fact === 'failed'
              ? { kind: 'failed', declineCode: fact.declineCode }
              : { kind: 'refunded', amountRefunded: fact.amountRefunded };
        const charge = { chargeId: fact.chargeId, provider: 'stripe', customerId: fact.customerId, amount: fact.amount, currency: fact.currency };
        await this.charges.recordReported(manager, charge, chargeFact);
        return;
      }
      case 'account':
        await this.accounts.applyState(fact.accountId, { payoutsEnabled: fact.payoutsEnabled, onboardingUrl: null }, fact.reportedAt, manager);
        return;
      case 'transfer': {
        if (!fact.payoutId) return;
        const money = { amount: fact.amount, currency: fact.currency };
        if (fact.reversed) await this.payouts.recordReversal(fact.payoutId, fact.transferId, manager, money);
        else await this.payouts.recordPaid(fact.payoutId, fact.transferId, manager, money);
        return;
      }
      case 'ignored':
        this.logger.debug(`${event.id}: ${fact.reason}`);
        return;
    }
  }
}
