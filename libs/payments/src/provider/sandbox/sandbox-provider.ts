/**
 * The sandbox adapter of the PaymentProvider port (the default without STRIPE_SECRET_KEY):
 * Stripe's test-mode behaviour for Stripe's test PaymentMethod ids (../test-cards.ts), in
 * process and deterministic, so the whole product works offline and every failure path can
 * be run.
 *
 * Like Stripe's servers, it remembers every request by idempotency key, in
 * payments.sandbox_requests: the same key with the same parameters answers the stored
 * response (after our process crashed, too), the same key with other parameters is an
 * `idempotency_mismatch`, and a request refused as invalid is not stored. Its writes are its
 * own statements, never the caller's transaction, as a provider's effects are.
 *
 * No `@nestjs/*` import: the module wires it.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { newUlid } from '@foule/shared';
import { requestHash } from '../../idempotency/request-hash';
import {
  type ChargeInput,
  type ChargeResult,
  type PaymentProvider,
  type PayoutAccountState,
  ProviderError,
  type ProviderMoney,
  type SetupResult,
  type TransferInput,
} from '../payment-provider';
import { chargeOutcome, DECLINE_MESSAGES, testCard, type CardBehaviour } from '../test-cards';
import type { FaultDecision, SandboxFaultPlan } from './sandbox-faults';

/** Stripe's largest single charge, in minor units. */
const MAX_CHARGE = 99_999_999;
const sandboxId = (prefix: string) => `${prefix}_sandbox_${newUlid()}`;

type Operation =
  | 'ensureCustomer'
  | 'createSetupIntent'
  | 'savePaymentMethod'
  | 'chargeOnSession'
  | 'chargeOffSession'
  | 'refund'
  | 'createPayoutAccount'
  | 'getPayoutAccount'
  | 'transfer';

interface Execution<R> {
  response: R;
  objectId?: string;
  parentId?: string;
  money?: ProviderMoney;
}

/** An object a request needs to exist (the customer of a charge, the account of a transfer). */
interface Requirement {
  operation: Operation;
  objectId: string;
  param: string;
  what: string;
}

interface StoredRequest {
  operation: string;
  request_hash: string;
  response: unknown;
}

const customerOf = (customerId: string): Requirement => ({ operation: 'ensureCustomer', objectId: customerId, param: 'customerId', what: 'customer' });

export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  readonly publishableKey = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly faults: SandboxFaultPlan | null = null,
  ) {}

  ensureCustomer(input: { profileId: string; idempotencyKey: string }): Promise<{ customerId: string }> {
    return this.requestOnce('ensureCustomer', input.idempotencyKey, { profileId: input.profileId }, null, () => {
      const customerId = sandboxId('cus');
      return { response: { customerId }, objectId: customerId };
    });
  }

  createSetupIntent(input: { customerId: string; idempotencyKey: string }): Promise<{ setupIntentId: string; clientSecret: string }> {
    const customer = customerOf(input.customerId);
    return this.requestOnce('createSetupIntent', input.idempotencyKey, { customerId: input.customerId }, customer, () => {
      const setupIntentId = sandboxId('seti');
      return {
        response: { setupIntentId, clientSecret: `${setupIntentId}_secret_${randomBytes(12).toString('hex')}` },
        objectId: setupIntentId,
        parentId: input.customerId,
      };
    });
  }

  savePaymentMethod(input: { customerId: string; paymentMethodId: string; idempotencyKey: string }): Promise<SetupResult> {
    const { idempotencyKey, ...params } = input;
    return this.requestOnce('savePaymentMethod', idempotencyKey, params, customerOf(input.customerId), () => {
      const card = this.requireCard(input.paymentMethodId);
      const setupIntentId = sandboxId('seti');
      const response: SetupResult = card.onSave
        ? { status: 'failed', declineCode: card.onSave, message: DECLINE_MESSAGES[card.onSave] ?? 'Your card was declined.' }
        : { status: 'succeeded', paymentMethodId: input.paymentMethodId };
      return { response, objectId: setupIntentId, parentId: input.customerId };
    });
  }

  chargeOnSession(input: ChargeInput): Promise<ChargeResult> {
    return this.charge('chargeOnSession', input, false);
  }

  chargeOffSession(input: ChargeInput): Promise<ChargeResult> {
    return this.charge('chargeOffSession', input, true);
  }

  refund(input: { chargeId: string; money: ProviderMoney; idempotencyKey: string; reason?: string }): Promise<{ refundId: string }> {
    const { idempotencyKey, ...params } = input;
    return this.request('refund', idempotencyKey, params, async (manager) => {
      this.checkMoney(input.money, false);
      const [charge] = await manager.query<{ response: ChargeResult; amount: string; currency: string }[]>(
        `SELECT response, amount, currency FROM payments.sandbox_requests
          WHERE object_id = $1 AND operation IN ('chargeOnSession', 'chargeOffSession') FOR UPDATE`,
        [input.chargeId],
      );
      if (!charge) throw new ProviderError('invalid_request', `No such payment_intent: '${input.chargeId}'`, 'chargeId');
      if (charge.response.status !== 'succeeded') {
        throw new ProviderError('invalid_request', `PaymentIntent ${input.chargeId} did not succeed and cannot be refunded`, 'chargeId');
      }
      if (charge.currency !== input.money.currency) {
        throw new ProviderError('invalid_request', `The refund must be in ${charge.currency}, the charge's currency`, 'money.currency');
      }
      const [{ refunded }] = await manager.query<{ refunded: string }[]>(
        `SELECT coalesce(sum(amount), 0) AS refunded FROM payments.sandbox_requests WHERE parent_id = $1 AND operation = 'refund'`,
        [input.chargeId],
      );
      if (Number(refunded) + input.money.amount > Number(charge.amount)) {
        throw new ProviderError(
          'invalid_request',
          `Refund amount (${input.money.amount}) is greater than the unrefunded amount (${Number(charge.amount) - Number(refunded)})`,
          'money.amount',
        );
      }
      const refundId = sandboxId('re');
      return { response: { refundId }, objectId: refundId, parentId: input.chargeId, money: input.money };
    });
  }

  /** Sandbox accounts are verified at once: payouts are enabled as soon as the account exists. */
  createPayoutAccount(input: { profileId: string; country: string; idempotencyKey: string; returnUrl: string }): Promise<PayoutAccountState> {
    const { idempotencyKey, returnUrl: _returnUrl, ...params } = input;
    return this.requestOnce('createPayoutAccount', idempotencyKey, params, null, () => {
      if (!/^[A-Z]{2}$/.test(input.country)) throw new ProviderError('invalid_request', `Country '${input.country}' is unknown`, 'country');
      const accountId = sandboxId('acct');
      const state: PayoutAccountState = { accountId, country: input.country, payoutsEnabled: true, onboardingUrl: null };
      return { response: state, objectId: accountId };
    });
  }

  async getPayoutAccount(input: { accountId: string; returnUrl: string }): Promise<PayoutAccountState> {
    this.drawFault('getPayoutAccount', input.accountId);
    const [account] = await this.dataSource.query<{ response: PayoutAccountState }[]>(
      `SELECT response FROM payments.sandbox_requests WHERE object_id = $1 AND operation = 'createPayoutAccount'`,
      [input.accountId],
    );
    if (!account) throw new ProviderError('invalid_request', `No such account: '${input.accountId}'`, 'accountId');
    return account.response;
  }

  transfer(input: TransferInput): Promise<{ transferId: string }> {
    const { idempotencyKey, ...params } = input;
    const account: Requirement = { operation: 'createPayoutAccount', objectId: input.accountId, param: 'accountId', what: 'account' };
    return this.requestOnce('transfer', idempotencyKey, params, account, () => {
      this.checkMoney(input.money, false);
      const transferId = sandboxId('tr');
      return { response: { transferId }, objectId: transferId, parentId: input.accountId, money: input.money };
    });
  }

  private charge(operation: 'chargeOnSession' | 'chargeOffSession', input: ChargeInput, offSession: boolean): Promise<ChargeResult> {
    const { idempotencyKey, ...params } = input;
    return this.requestOnce(operation, idempotencyKey, params, customerOf(input.customerId), () => {
      this.checkMoney(input.money, true);
      const card = this.requireCard(input.paymentMethodId);
      const chargeId = sandboxId('pi');
      const declineCode = chargeOutcome(card, offSession);
      const response: ChargeResult = declineCode
        ? {
            status: 'failed',
            declineCode,
            message: DECLINE_MESSAGES[declineCode] ?? 'Your card was declined.',
            requiresAction: declineCode === 'authentication_required',
            chargeId,
          }
        : { status: 'succeeded', chargeId };
      return { response, objectId: chargeId, parentId: input.customerId, money: input.money };
    });
  }

  /**
   * One idempotent request: a stored answer for a known key (or a mismatch error), otherwise
   * `execute` in a transaction that stores its answer. Two concurrent requests with one key
   * both execute, but only one answer is stored and both return it (the second insert waits
   * for the first and yields).
   */
  private async request<R>(
    operation: Operation,
    idempotencyKey: string,
    params: object,
    execute: (manager: EntityManager) => Promise<Execution<R>>,
  ): Promise<R> {
    if (!idempotencyKey) throw new ProviderError('invalid_request', 'An idempotency key is required', 'idempotencyKey');
    const fault = this.drawFault(operation, idempotencyKey);
    const hash = requestHash({ operation, params });
    const stored = await this.stored(this.dataSource.manager, idempotencyKey);
    if (stored) return this.replay<R>(stored, operation, hash, idempotencyKey);

    const outcome = await this.dataSource.transaction(async (manager) => {
      const execution = await execute(manager);
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO payments.sandbox_requests (idempotency_key, operation, request_hash, object_id, parent_id, amount, currency, response)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
        [
          idempotencyKey,
          operation,
          hash,
          execution.objectId ?? null,
          execution.parentId ?? null,
          execution.money?.amount ?? null,
          execution.money?.currency ?? null,
          JSON.stringify(execution.response),
        ],
      );
      return inserted.length === 1 ? { response: execution.response } : null;
    });
    if (!outcome) {
      // A concurrent request with this key stored its answer first.
      return this.replay<R>((await this.stored(this.dataSource.manager, idempotencyKey))!, operation, hash, idempotencyKey);
    }
    if (fault === 'lost') {
      throw new ProviderError('transient', `Sandbox fault: ${operation} took effect but its response was lost (simulated timeout)`);
    }
    return outcome.response;
  }

  /**
   * One idempotent request whose only check against stored objects is that one exists: a
   * single statement (the answer is stored only if the required object exists and the key is
   * new), so a request costs one round trip and one commit, as a call to Stripe does. When
   * nothing was stored, the key is looked up: a stored answer is replayed (or is a mismatch),
   * otherwise the required object is missing. A request refused as invalid is not stored, but
   * a key already used still answers as Stripe does: its stored response or a mismatch.
   */
  private async requestOnce<R>(
    operation: Operation,
    idempotencyKey: string,
    params: object,
    requires: Requirement | null,
    execute: () => Execution<R>,
  ): Promise<R> {
    if (!idempotencyKey) throw new ProviderError('invalid_request', 'An idempotency key is required', 'idempotencyKey');
    const fault = this.drawFault(operation, idempotencyKey);
    const hash = requestHash({ operation, params });
    let execution: Execution<R>;
    try {
      execution = execute();
    } catch (error) {
      const stored = await this.stored(this.dataSource.manager, idempotencyKey);
      if (stored) return this.replay<R>(stored, operation, hash, idempotencyKey);
      throw error;
    }
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO payments.sandbox_requests (idempotency_key, operation, request_hash, object_id, parent_id, amount, currency, response)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
        WHERE $9::text IS NULL OR EXISTS (SELECT 1 FROM payments.sandbox_requests WHERE object_id = $9 AND operation = $10)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
      [
        idempotencyKey,
        operation,
        hash,
        execution.objectId ?? null,
        execution.parentId ?? null,
        execution.money?.amount ?? null,
        execution.money?.currency ?? null,
        JSON.stringify(execution.response),
        requires?.objectId ?? null,
        requires?.operation ?? null,
      ],
    );
    if (inserted.length === 0) {
      // A request with this key was stored before (or concurrently), or the required object does not exist.
      const stored = await this.stored(this.dataSource.manager, idempotencyKey);
      if (stored) return this.replay<R>(stored, operation, hash, idempotencyKey);
      throw new ProviderError('invalid_request', `No such ${requires!.what}: '${requires!.objectId}'`, requires!.param);
    }
    if (fault === 'lost') {
      throw new ProviderError('transient', `Sandbox fault: ${operation} took effect but its response was lost (simulated timeout)`);
    }
    return execution.response;
  }

  private async stored(manager: EntityManager, idempotencyKey: string): Promise<StoredRequest | undefined> {
    const [row] = await manager.query<StoredRequest[]>(
      'SELECT operation, request_hash, response FROM payments.sandbox_requests WHERE idempotency_key = $1',
      [idempotencyKey],
    );
    return row;
  }

  private replay<R>(stored: StoredRequest, operation: string, hash: string, idempotencyKey: string): R {
    if (stored.operation !== operation || stored.request_hash !== hash) {
      throw new ProviderError(
        'idempotency_mismatch',
        `Keys for idempotent requests can only be used with the same parameters they were first used with (key ${idempotencyKey})`,
        'idempotencyKey',
      );
    }
    return stored.response as R;
  }

  /** The fault mode's decision for this call; a transient fault fails it here, before it takes effect. */
  private drawFault(operation: Operation, idempotencyKey: string): FaultDecision {
    const decision = this.faults?.decide(operation, idempotencyKey) ?? 'none';
    if (decision === 'transient') throw new ProviderError('transient', `Sandbox fault: ${operation} failed before taking effect (simulated 500)`);
    return decision;
  }

  private requireCard(paymentMethodId: string): CardBehaviour {
    const card = testCard(paymentMethodId);
    if (!card) {
      throw new ProviderError(
        'invalid_request',
        `No such PaymentMethod: '${paymentMethodId}'. Without Stripe keys, use Stripe's test ids (pm_card_visa, pm_card_chargeDeclined, ...)`,
        'paymentMethodId',
      );
    }
    return card;
  }

  private checkMoney(money: ProviderMoney, isCharge: boolean): void {
    if (!Number.isSafeInteger(money.amount) || money.amount <= 0 || (isCharge && money.amount > MAX_CHARGE)) {
      throw new ProviderError('invalid_request', `Invalid amount: ${money.amount}`, 'money.amount');
    }
    if (!/^[A-Z]{3}$/.test(money.currency)) throw new ProviderError('invalid_request', `Invalid currency: ${money.currency}`, 'money.currency');
  }

}

