/** Fixture builders for the funding e2e tests: creators who can be paid, live campaigns, pledges, waiting on settlement. */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import WebSocket from 'ws';
import {
  AddRewardTierDocument,
  CampaignDocument,
  CancelPledgeDocument,
  CampaignProgressDocument,
  ConnectPayoutAccountDocument,
  CreateCampaignDocument,
  LaunchCampaignDocument,
  PledgeDocument,
  type CampaignProgressSubscription,
} from '../documents/graphql';
import { signUp, type SignedUpProfile } from './fixtures';
import { eventually, holdsWithin } from './payments-fixtures';
import type { GraphQLResponse, TestApp } from './test-app';

/** Short durations so a campaign lives seconds, not days. */
export const FUNDING_TEST_ENV = {
  CAMPAIGN_MIN_DURATION_SECONDS: '1',
  CAMPAIGN_MAX_DURATION_SECONDS: '3600',
  PAYMENT_RETRY_WINDOW_SECONDS: '3600',
  CAMPAIGN_PAYOUT_DELAY_SECONDS: '1',
};

export const secondsFromNow = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/** The `field` of a response that must have succeeded (typed when the request sent a typed document). */
export function ok<TData extends Record<string, any>, K extends keyof TData & string>(result: GraphQLResponse<TData>, field: K): NonNullable<TData[K]> {
  if (result.errors?.length) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
  return result.data![field];
}

/** A profile with a payout account whose payouts are enabled (the sandbox enables them at once). */
export async function signUpCreator(app: TestApp): Promise<SignedUpProfile> {
  const creator = await signUp(app);
  ok(await app.gql(ConnectPayoutAccountDocument, { country: 'FR' }, creator.token), 'connectPayoutAccount');
  return creator;
}

export interface CampaignOptions {
  title?: string;
  category?: string;
  goal?: number;
  currency?: string;
  fundingModel?: 'ALL_OR_NOTHING' | 'FLEXIBLE';
  deadlineSeconds?: number;
  tiers?: { title?: string; minimum: number; limit?: number | null }[];
  pledgeOverTime?: boolean;
}

export async function createCampaign(app: TestApp, creator: SignedUpProfile, options: CampaignOptions = {}) {
  const created = ok(
    await app.gql(
      CreateCampaignDocument,
      {
        input: {
          title: options.title ?? `Lamp ${randomUUID().slice(0, 6)}`,
          blurb: 'A lamp that turns light into a crowd',
          description: 'Long story',
          category: options.category ?? 'Design',
          fundingModel: options.fundingModel ?? 'ALL_OR_NOTHING',
          goal: { amount: options.goal ?? 10_000, currency: options.currency ?? 'EUR' },
          deadline: secondsFromNow(options.deadlineSeconds ?? 600),
          pledgeOverTime: options.pledgeOverTime,
        },
      },
      creator.token,
    ),
    'createCampaign',
  );
  const tiers = [];
  for (const [index, tier] of (options.tiers ?? []).entries()) {
    tiers.push(
      ok(
        await app.gql(
          AddRewardTierDocument,
          { id: created.id, input: { title: tier.title ?? `Tier ${index + 1}`, description: 'A reward', minimum: tier.minimum, limit: tier.limit ?? null } },
          creator.token,
        ),
        'addRewardTier',
      ),
    );
  }
  return { ...created, tiers };
}

/** A LIVE campaign whose deadline is `deadlineSeconds` from now. */
export async function liveCampaign(app: TestApp, creator: SignedUpProfile, options: CampaignOptions = {}) {
  const campaign = await createCampaign(app, creator, options);
  ok(await app.gql(LaunchCampaignDocument, { id: campaign.id }, creator.token), 'launchCampaign');
  return campaign;
}

export function pledge(
  app: TestApp,
  backer: SignedUpProfile,
  input: { campaignId: string; amount: number; tierId?: string | null; paymentMethodId?: string; idempotencyKey?: string },
) {
  return app.gql(
    PledgeDocument,
    { input: { paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), ...input } },
    backer.token,
  );
}

export async function campaignState(app: TestApp, id: string, token?: string) {
  return ok(await app.gql(CampaignDocument, { id }, token), 'campaign');
}

/** Waits for the settlement job to move the campaign to `status` (and, for SUCCESSFUL, to finish charging). */
export async function waitForStatus(app: TestApp, id: string, status: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const [row] = await app.sql(`SELECT status, charges_completed_at FROM funding.campaigns WHERE id = $1`, [id]);
      return row.status === status && (status !== 'SUCCESSFUL' || row.charges_completed_at !== null) ? row : null;
    },
    timeoutMs,
    `campaign ${id} to be ${status}`,
  );
}

export const pledgeStatuses = async (app: TestApp, campaignId: string) =>
  Object.fromEntries(
    (await app.sql(`SELECT status, count(*)::int AS n FROM funding.pledges WHERE campaign_id = $1 GROUP BY status`, [campaignId])).map((row) => [
      row.status,
      row.n,
    ]),
  );

export const escrowBalance = async (app: TestApp, campaignId: string, currency = 'EUR') =>
  Number((await app.sql(`SELECT balance FROM payments.account_balances WHERE account = $1 AND currency = $2`, [`campaign:${campaignId}:escrow`, currency]))[0]?.balance ?? 0);

/** Sandbox charge requests made for a pledge (one row per idempotency key). */
export const sandboxCharges = (app: TestApp, pledgeId: string) =>
  app.sql(
    `SELECT idempotency_key, operation, response->>'status' AS status FROM payments.sandbox_requests
      WHERE idempotency_key LIKE $1 AND operation IN ('chargeOnSession', 'chargeOffSession') ORDER BY created_at`,
    [`pledge:${pledgeId}:charge:%`],
  );

/** How long one attempt at hearing the probe may take before its socket is dropped and another one tried. */
const PROBE_ATTEMPT_MS = 2_000;
const PROBE_ATTEMPTS = 8;
const probeBackers = new WeakMap<object, Promise<SignedUpProfile>>();

/**
 * A campaignProgress subscription over graphql-ws (one of funding.graphql's subscriptions),
 * returned once the server has registered it, with `events` empty; they fill as the server pushes.
 * The campaign must take pledges that can be canceled (LIVE, all or nothing: the default).
 *
 * graphql-ws acknowledges a connection, not a subscribe, so registration is proved by an event: a
 * probe backer pledges and cancels through `app`. On a fresh socket these are the only two events
 * published since the subscribe: once the pledge's has arrived, it is dropped and so is the next
 * one, the cancel's, which arrives before any event of what the caller does next (one topic's
 * events arrive in the order they were published, and the cancel has published when it answers).
 * A socket that heard nothing within the attempt is closed and another one tried, so a late probe
 * event can never reach the returned one. Pass `on` to watch through another api instance (a
 * peer) than the one the probe goes through.
 */
export async function subscribeToProgress<TData extends { campaignProgress: unknown } = CampaignProgressSubscription>(
  app: TestApp,
  campaignId: string,
  options: { document?: TypedDocumentNode<TData, { id: string }>; on?: Pick<TestApp, 'baseUrl'> } = {},
) {
  const document = options.document ?? (CampaignProgressDocument as TypedDocumentNode<TData, { id: string }>);
  if (!probeBackers.has(app)) probeBackers.set(app, signUp(app));
  for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
    const watch = progressSocket(options.on ?? app, campaignId, document);
    // Acknowledged connection first: the subscribe is then on its way, and the probe rarely outruns it.
    const [backer, connected] = await Promise.all([
      probeBackers.get(app)!,
      holdsWithin(() => watch.connected() || watch.errors.length > 0, 10_000),
    ]);
    if (!connected) throw new Error('the progress socket did not connect');
    const probe = ok(await pledge(app, backer, { campaignId, amount: 500 }), 'pledge');
    const heard = await holdsWithin(() => watch.events.length > 0 || watch.errors.length > 0, PROBE_ATTEMPT_MS);
    // The pledge's event is the only one so far; the cancel's is the next.
    if (heard) watch.dropEvents(1);
    ok(await app.gql(CancelPledgeDocument, { id: probe.id }, backer.token), 'cancelPledge');
    if (watch.errors.length > 0) {
      await watch.close();
      throw new Error(`campaignProgress of ${campaignId} failed: ${JSON.stringify(watch.errors)}`);
    }
    if (heard) return { events: watch.events, errors: watch.errors, close: watch.close };
    await watch.close();
  }
  throw new Error(`campaignProgress of ${campaignId} pushed nothing in ${PROBE_ATTEMPTS} attempts`);
}

function progressSocket<TData extends { campaignProgress: unknown }>(
  on: Pick<TestApp, 'baseUrl'>,
  campaignId: string,
  document: TypedDocumentNode<TData, { id: string }>,
) {
  let connected = false;
  const client = createClient({
    url: `${on.baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: { connected: () => void (connected = true) },
  });
  const events: TData['campaignProgress'][] = [];
  const errors: unknown[] = [];
  let toDrop = 0;
  client.subscribe<TData>(
    { query: print(document), variables: { id: campaignId } },
    {
      next: (message) => {
        if (!message.data) errors.push(...(message.errors ?? []));
        else if (toDrop > 0) toDrop--;
        else events.push(message.data.campaignProgress);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  /** Empties `events` and drops the next `count` that arrive. */
  const dropEvents = (count: number) => {
    events.length = 0;
    toDrop = count;
  };
  return { events, errors, connected: () => connected, dropEvents, close: () => client.dispose() };
}
