import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PaymentProvider } from '../provider/payment-provider';
import { retryTransient } from '../provider/provider-calls';
import { PAYMENT_PROVIDER } from '../provider/provider.token';

/** Each profile's customer at the provider, made once (the provider call's key is derived from the profile). */
@Injectable()
export class CustomerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async ensure(profileId: string): Promise<string> {
    const known = await this.find(profileId);
    if (known) return known;
    // Concurrent first calls make the same provider request (same key), so they agree.
    const { customerId } = await retryTransient(() =>
      this.provider.ensureCustomer({ profileId, idempotencyKey: `profile:${profileId}:customer` }),
    );
    // A concurrent first call may have stored it first: the stored one is the answer (the no-op
    // update makes RETURNING answer the existing row, in the same statement).
    const [row] = await this.dataSource.query<{ customer_id: string }[]>(
      `INSERT INTO payments.customers (profile_id, provider, customer_id) VALUES ($1, $2, $3)
       ON CONFLICT (profile_id, provider) DO UPDATE SET provider = EXCLUDED.provider RETURNING customer_id`,
      [profileId, this.provider.name, customerId],
    );
    return row.customer_id;
  }

  /** How the idempotency key's read also reads the profile's customer (IdempotencyService.runInOneTransaction): $1 is the profile, $3 the provider. */
  alongsideKey(): { expression: string; value: string } {
    return { expression: '(SELECT customer_id FROM payments.customers WHERE profile_id = $1 AND provider = $3)', value: this.provider.name };
  }

  /** A SetupIntent for the profile's customer, whose secret a client confirms with Stripe.js or a mobile SDK. */
  async startSetup(profileId: string): Promise<{ provider: string; clientSecret: string; publishableKey: string | null }> {
    const customerId = await this.ensure(profileId);
    // Each call is a new SetupIntent, so the key is new each time; retries of this call reuse it.
    const idempotencyKey = `profile:${profileId}:setup-intent:${randomUUID()}`;
    const { clientSecret } = await retryTransient(() => this.provider.createSetupIntent({ customerId, idempotencyKey }));
    return { provider: this.provider.name, clientSecret, publishableKey: this.provider.publishableKey };
  }

  private async find(profileId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ customer_id: string }[]>(
      'SELECT customer_id FROM payments.customers WHERE profile_id = $1 AND provider = $2',
      [profileId, this.provider.name],
    );
    return row?.customer_id;
  }
}
