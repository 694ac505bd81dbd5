import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError, JobScheduler, isIdOf, assertPositiveAmount, inTransaction, newId, normalizeCurrency, type Money, CrashPoints, updateReturning } from '@foule/shared';
import { PaymentEvents } from '../events/payment-events';
import { payoutCreatedEntry, payoutFailedEntry, payoutPaidEntry, payoutReversedEntry } from '../ledger/entries/payout-entries';
import { LedgerAccounts } from '../ledger/ledger-accounts';
import { LedgerService } from '../ledger/ledger.service';
import { ProviderError, type PaymentProvider } from '../provider/payment-provider';
import { PAYMENT_PROVIDER } from '../provider/provider.token';
import { PayoutEntity, type PayoutKind } from './payout.entities';
import { lockRecipient } from './recipient-lock';

export const PAYOUT_TRANSFER_QUEUE = 'payments.payout-transfer';

/** Crash tests may aim at one kind of payout: `crash-after-provider:payout.transfer.royalty`, for instance. */
const CRASH_POINT_OF_KIND: Record<PayoutKind, string> = { CAMPAIGN_FUNDS: 'funds', CONTEST_PRIZE: 'prize', ROYALTY: 'royalty' };

export interface CreatePayoutInput {
  recipientProfileId: string;
  money: Money;
  /** The campaign or contest that earned it. */
  sourceId: string;
  idempotencyKey: string;
  /** By default, from the source: a contest's payout is its prize, a campaign's its funds. A royalty says so. */
  kind?: PayoutKind;
}

/** A payout's kind when the caller does not name it. */
export const payoutKindOf = (input: Pick<CreatePayoutInput, 'kind' | 'sourceId'>): PayoutKind =>
  input.kind ?? (isIdOf('contest', input.sourceId) ? 'CONTEST_PRIZE' : 'CAMPAIGN_FUNDS');

/**
 * Payouts: money the platform owes a profile, moved out of `profile:<id>:payable` when the
 * payout is created and sent to the profile's payout account by a job. The job is written in
 * the creating transaction (our outbox), runs once the account's payouts are enabled, and
 * calls the provider with a key derived from the payout (`payout:<id>:transfer`), so a crash
 * between the transfer and our record of it replays the same transfer instead of sending a
 * second one. Every step is a journal entry:
 *   created  profile:<r>:payable -X, payout:<id> +X
 *   paid     payout:<id> -X,         external:stripe +X
 *   failed   payout:<id> -X,         profile:<r>:payable +X   (the transfer never happened)
 *   reversed external:stripe -X,     profile:<r>:payable +X   (the provider reversed a transfer)
 */
@Injectable()
export class PayoutService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Payouts');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly jobs: JobScheduler,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly crashPoints: CrashPoints,
    private readonly events: PaymentEvents,
  ) {
    jobs.define<{ payoutId: string }>({
      name: PAYOUT_TRANSFER_QUEUE,
      handle: ({ payoutId }) => this.transfer(payoutId),
      concurrency: 2,
      // 1 s, doubling: about 68 minutes of retries before the job gives up; the payout then
      // stays PENDING and is queued again at the next boot.
      retryLimit: 12,
      retryDelaySeconds: 1,
    });
  }

  /**
   * The database is the truth: at boot, every pending payout whose account can receive it
   * gets a transfer job again (a crash may have left its job running until it expires).
   * Transfers are idempotent, so a duplicate job does nothing.
   */
  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT p.id FROM payments.payouts p JOIN payments.payout_accounts a ON a.profile_id = p.recipient_profile_id
        WHERE p.status = 'PENDING' AND a.payouts_enabled`,
    );
    for (const { id } of rows) await this.enqueueTransfer(this.dataSource.manager, id);
    if (rows.length > 0) this.logger.log(`resumed ${rows.length} pending payout(s)`);
  }

  async create(manager: EntityManager, input: CreatePayoutInput): Promise<{ payoutId: string }> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('createPayout runs inside the transaction of the change that earns it');
    const currency = normalizeCurrency(input.money.currency, 'currency');
    assertPositiveAmount(input.money.amount, 'amount');
    if (!input.idempotencyKey || input.idempotencyKey.length > 255) throw DomainError.badField('idempotencyKey', 'must be 1 to 255 characters');
    const recipient = input.recipientProfileId;
    const kind = payoutKindOf(input);
    await lockRecipient(manager, recipient);

    const payoutId = newId('payout');
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO payments.payouts (id, recipient_profile_id, amount, currency, status, source_id, idempotency_key, kind)
       VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [payoutId, recipient, input.money.amount, currency, input.sourceId, input.idempotencyKey, kind],
    );
    if (inserted.length === 0) {
      const existing = await manager.getRepository(PayoutEntity).findOneByOrFail({ idempotencyKey: input.idempotencyKey });
      const same =
        existing.recipientProfileId === recipient &&
        existing.amount === input.money.amount &&
        existing.currency === currency &&
        existing.sourceId === input.sourceId &&
        existing.kind === kind;
      if (!same) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This payout idempotency key was already used for a different payout');
      return { payoutId: existing.id };
    }
    const payable = LedgerAccounts.profilePayable(recipient);
    await this.ledger.append(
      manager,
      payoutCreatedEntry({ payoutId, recipientProfileId: recipient, money: { amount: input.money.amount, currency } }),
      // Nothing is paid out that is not owed.
      { alsoNonNegative: [payable] },
    );
    if (await this.payoutsEnabled(recipient, manager)) await this.enqueueTransfer(manager, payoutId);
    return { payoutId };
  }

  async payoutsEnabled(profileId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [row] = await manager.query<{ payouts_enabled: boolean }[]>(
      'SELECT payouts_enabled FROM payments.payout_accounts WHERE profile_id = $1',
      [profileId],
    );
    return row?.payouts_enabled ?? false;
  }

  /** Queues the transfer of every pending payout of a profile whose account was just enabled (in that transaction). */
  async releaseWaiting(manager: EntityManager, profileId: string): Promise<void> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id FROM payments.payouts WHERE recipient_profile_id = $1 AND status = 'PENDING'`,
      [profileId],
    );
    for (const { id } of rows) await this.enqueueTransfer(manager, id);
  }

  /** The job: transfer a pending payout to its recipient's account, once. */
  async transfer(payoutId: string): Promise<void> {
    const payout = await this.dataSource.getRepository(PayoutEntity).findOneBy({ id: payoutId });
    if (!payout || payout.status !== 'PENDING') return;
    const [account] = await this.dataSource.query<{ provider_account_id: string; payouts_enabled: boolean }[]>(
      'SELECT provider_account_id, payouts_enabled FROM payments.payout_accounts WHERE profile_id = $1',
      [payout.recipientProfileId],
    );
    // Not enabled (or no account): the payout waits; enabling the account queues it again.
    if (!account?.payouts_enabled) return;
    let transferId: string;
    try {
      ({ transferId } = await this.provider.transfer({
        accountId: account.provider_account_id,
        money: { amount: payout.amount, currency: payout.currency },
        idempotencyKey: `payout:${payout.id}:transfer`,
        transferGroup: payout.sourceId,
        metadata: { payoutId: payout.id, sourceId: payout.sourceId, recipientProfileId: payout.recipientProfileId },
      }));
    } catch (error) {
      // The provider refused the transfer as such: it did not happen, the money goes back to
      // the payable. Transient failures are retried by the job; an idempotency mismatch means
      // a transfer with this key exists with other parameters, so the payout stays PENDING
      // for a human rather than being declared failed.
      if (error instanceof ProviderError && error.kind === 'invalid_request') {
        await this.fail(payoutId, error.message);
        return;
      }
      throw error;
    }
    this.crashPoints.afterProviderCall('payout.transfer');
    this.crashPoints.afterProviderCall(`payout.transfer.${CRASH_POINT_OF_KIND[payout.kind]}`);
    await this.recordPaid(payoutId, transferId);
  }

  /**
   * The transfer happened (our job, or the provider's transfer.created webhook, whichever
   * comes first). A reported transfer whose money does not match the payout is not ours to
   * record: it is logged and left alone.
   */
  async recordPaid(payoutId: string, transferId: string, manager?: EntityManager, reported?: Money): Promise<void> {
    await inTransaction(this.dataSource, manager, async (m) => {
      const payout = await this.lockPayout(m, payoutId);
      if (!payout || payout.status !== 'PENDING') return;
      if (reported && (reported.amount !== payout.amount || reported.currency !== payout.currency)) {
        this.logger.error(`transfer ${transferId} of ${reported.amount} ${reported.currency} does not match payout ${payoutId}; not recorded`);
        return;
      }
      await updateReturning(m, `UPDATE payments.payouts SET status = 'PAID', transfer_id = $2, paid_at = now() WHERE id = $1`, [payoutId, transferId]);
      await this.ledger.append(m, payoutPaidEntry({ payoutId, money: { amount: payout.amount, currency: payout.currency } }));
      await this.events.publish({ type: 'payments.payout.paid', ...this.describe(payout) }, m);
    });
  }

  /** The provider reversed the whole transfer: the money is owed to the recipient again. */
  async recordReversal(payoutId: string, transferId: string, manager?: EntityManager, reported?: Money): Promise<void> {
    await inTransaction(this.dataSource, manager, async (m) => {
      // A reversal may be the first we hear of the transfer.
      await this.recordPaid(payoutId, transferId, m, reported);
      const payout = await this.lockPayout(m, payoutId);
      if (!payout || payout.status !== 'PAID' || payout.transferId !== transferId) return;
      const reason = `transfer ${transferId} was reversed`;
      await updateReturning(m, `UPDATE payments.payouts SET status = 'FAILED', failure_reason = $2, failed_at = now() WHERE id = $1`, [payoutId, reason]);
      await this.ledger.append(m, payoutReversedEntry({ payoutId, recipientProfileId: payout.recipientProfileId, money: { amount: payout.amount, currency: payout.currency } }));
      await this.events.publish({ type: 'payments.payout.failed', ...this.describe(payout), reason }, m);
    });
  }

  private async fail(payoutId: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const payout = await this.lockPayout(m, payoutId);
      if (!payout || payout.status !== 'PENDING') return;
      await updateReturning(m, `UPDATE payments.payouts SET status = 'FAILED', failure_reason = $2, failed_at = now() WHERE id = $1`, [payoutId, reason]);
      await this.ledger.append(m, payoutFailedEntry({ payoutId, recipientProfileId: payout.recipientProfileId, money: { amount: payout.amount, currency: payout.currency } }));
      await this.events.publish({ type: 'payments.payout.failed', ...this.describe(payout), reason }, m);
    });
    this.logger.warn(`payout ${payoutId} failed: ${reason}`);
  }

  /** What each profile was paid (or is being paid) in payouts of one kind, per currency; failed payouts left out. */
  async earnedByKind(profileIds: readonly string[], kind: PayoutKind): Promise<Map<string, Money[]>> {
    const earned = new Map<string, Money[]>();
    if (profileIds.length === 0) return earned;
    const rows = await this.dataSource.query<{ recipient_profile_id: string; currency: string; amount: string }[]>(
      `SELECT recipient_profile_id, currency, sum(amount) AS amount FROM payments.payouts
        WHERE recipient_profile_id = ANY($1) AND kind = $2 AND status <> 'FAILED' GROUP BY 1, 2 ORDER BY 2`,
      [[...profileIds], kind],
    );
    for (const row of rows) {
      const own = earned.get(row.recipient_profile_id) ?? [];
      own.push({ amount: Number(row.amount), currency: row.currency.trim() });
      earned.set(row.recipient_profile_id, own);
    }
    return earned;
  }

  async findByIds(ids: readonly string[]): Promise<PayoutEntity[]> {
    return ids.length ? this.dataSource.getRepository(PayoutEntity).findBy({ id: In([...ids]) }) : [];
  }

  listQuery(recipientProfileId: string) {
    return this.dataSource.getRepository(PayoutEntity).createQueryBuilder('payout').where('payout.recipientProfileId = :recipientProfileId', {
      recipientProfileId,
    });
  }

  private lockPayout(manager: EntityManager, payoutId: string): Promise<PayoutEntity | null> {
    return manager.getRepository(PayoutEntity).findOne({ where: { id: payoutId }, lock: { mode: 'pessimistic_write' } });
  }

  private describe(payout: PayoutEntity) {
    return {
      payoutId: payout.id,
      recipientProfileId: payout.recipientProfileId,
      sourceId: payout.sourceId,
      money: { amount: payout.amount, currency: payout.currency },
    };
  }

  private async enqueueTransfer(manager: EntityManager, payoutId: string): Promise<void> {
    await this.jobs.enqueue(PAYOUT_TRANSFER_QUEUE, { payoutId }, { key: `payout:${payoutId}`, manager });
  }
}
