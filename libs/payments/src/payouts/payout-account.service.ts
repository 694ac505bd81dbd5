import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { APP_CONFIG, DomainError, inTransaction, newId, type AppConfig, updateReturning } from '@foule/shared';
import type { PaymentProvider, PayoutAccountState } from '../provider/payment-provider';
import { retryTransient } from '../provider/provider-calls';
import { providerErrorToDomain } from '../provider/provider-errors';
import { PAYMENT_PROVIDER } from '../provider/provider.token';
import { normalizeCountry } from './country';
import { PayoutAccountEntity } from './payout.entities';
import { PayoutService } from './payout.service';
import { lockRecipient } from './recipient-lock';

/**
 * Each profile's payout account at the provider (a Connect Express account): created on
 * request, enabled when the provider says so (at once in the sandbox; after onboarding at
 * Stripe, as account.updated reports), and enabling it releases the payouts waiting for it.
 */
@Injectable()
export class PayoutAccountService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly payouts: PayoutService,
  ) {}

  private get returnUrl(): string {
    return `${this.config.publicUrl}/payout-account/return`;
  }

  async connect(profileId: string, countryInput: string): Promise<PayoutAccountEntity> {
    const country = normalizeCountry(countryInput);
    if (!country) throw DomainError.badField('country', 'must be an ISO-3166 alpha-2 country code, e.g. FR or US');
    const existing = await this.findByProfile(profileId);
    if (existing) {
      if (existing.country !== country) throw DomainError.conflict(`Your payout account is already set up in ${existing.country}`);
      if (existing.payoutsEnabled) return existing;
      // Still onboarding: ask the provider again, for its state and a fresh onboarding link.
      const state = await this.callProvider(() => this.provider.getPayoutAccount({ accountId: existing.providerAccountId, returnUrl: this.returnUrl }));
      return (await this.applyState(existing.providerAccountId, state, 'current')) ?? existing;
    }
    const state = await this.callProvider(() =>
      this.provider.createPayoutAccount({
        profileId,
        country,
        idempotencyKey: `profile:${profileId}:payout-account:${country}`,
        returnUrl: this.returnUrl,
      }),
    );
    return this.dataSource.transaction(async (manager) => {
      await lockRecipient(manager, profileId);
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO payments.payout_accounts (id, profile_id, provider, provider_account_id, country, payouts_enabled, onboarding_url, state_as_of)
         VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp(0)) ON CONFLICT DO NOTHING RETURNING id`,
        [newId('payoutAccount'), profileId, this.provider.name, state.accountId, country, state.payoutsEnabled, state.payoutsEnabled ? null : state.onboardingUrl],
      );
      if (inserted.length === 1 && state.payoutsEnabled) await this.payouts.releaseWaiting(manager, profileId);
      return manager.getRepository(PayoutAccountEntity).findOneByOrFail({ profileId });
    });
  }

  /**
   * What the provider says about an account: its current state (an answer to our own call),
   * or an event's state as of the event's time, ignored when we already applied a later event
   * (webhooks arrive out of order). Becoming enabled releases waiting payouts in the same
   * transaction. Null for an account we do not know.
   */
  async applyState(
    providerAccountId: string,
    state: Pick<PayoutAccountState, 'payoutsEnabled' | 'onboardingUrl'>,
    reportedAt: Date | 'current',
    manager?: EntityManager,
  ): Promise<PayoutAccountEntity | null> {
    return inTransaction(this.dataSource, manager, async (m) => {
      const repository = m.getRepository(PayoutAccountEntity);
      const known = await repository.findOneBy({ providerAccountId });
      if (!known) return null;
      await lockRecipient(m, known.profileId);
      const account = await repository.findOneOrFail({ where: { id: known.id }, lock: { mode: 'pessimistic_write' } });
      if (reportedAt !== 'current' && reportedAt < account.stateAsOf) return account;
      const stateAsOf = reportedAt === 'current' ? account.stateAsOf : reportedAt;
      const onboardingUrl = state.payoutsEnabled ? null : (state.onboardingUrl ?? account.onboardingUrl);
      await updateReturning(m, 'UPDATE payments.payout_accounts SET payouts_enabled = $2, onboarding_url = $3, state_as_of = $4, updated_at = now() WHERE id = $1', [
        account.id,
        state.payoutsEnabled,
        onboardingUrl,
        stateAsOf,
      ]);
      if (!account.payoutsEnabled && state.payoutsEnabled) await this.payouts.releaseWaiting(m, account.profileId);
      return repository.findOneByOrFail({ id: account.id });
    });
  }

  findByProfile(profileId: string): Promise<PayoutAccountEntity | null> {
    return this.dataSource.getRepository(PayoutAccountEntity).findOneBy({ profileId });
  }

  async findByProfiles(profileIds: readonly string[]): Promise<PayoutAccountEntity[]> {
    return profileIds.length ? this.dataSource.getRepository(PayoutAccountEntity).findBy({ profileId: In([...profileIds]) }) : [];
  }

  findById(id: string): Promise<PayoutAccountEntity | null> {
    return this.dataSource.getRepository(PayoutAccountEntity).findOneBy({ id });
  }

  private async callProvider<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await retryTransient(call);
    } catch (error) {
      throw providerErrorToDomain(error);
    }
  }
}
