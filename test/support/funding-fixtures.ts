/** Fixture builders for the funding e2e tests: creators who can be paid, live campaigns, pledges, waiting on settlement. */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signUp, type SignedUpProfile } from './fixtures';
import { eventually } from './payments-fixtures';
import type { GraphQLResponse, TestApp } from './test-app';

/** Short durations so a campaign lives seconds, not days. */
export const FUNDING_TEST_ENV = {
  CAMPAIGN_MIN_DURATION_SECONDS: '2',
  CAMPAIGN_MAX_DURATION_SECONDS: '3600',
  PAYMENT_RETRY_WINDOW_SECONDS: '3600',
  CAMPAIGN_PAYOUT_DELAY_SECONDS: '1',
};

export const CAMPAIGN_FIELDS = `id slug title status fundingModel category deadline launchedAt endedAt
  goal { amount currency formatted } pledged { amount currency } collected { amount currency } percentFunded backersCount
  rewardTiers { id title minimum { amount currency } limit remaining backersCount }
  stretchGoals { id title target { amount } reached }`;

export const PLEDGE_FIELDS = `id status failureReason amount { amount currency } tier { id } campaign { id } backer { id } createdAt collectedAt`;

export const secondsFromNow = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

export function ok<T = any>(result: GraphQLResponse<any>, field: string): T {
  if (result.errors?.length) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
  return result.data![field] as T;
}

/** A profile with a payout account whose payouts are enabled (the sandbox enables them at once). */
export async function signUpCreator(app: TestApp): Promise<SignedUpProfile> {
  const creator = await signUp(app);
  ok(await app.gql(`mutation { connectPayoutAccount(country: "FR") { id payoutsEnabled } }`, {}, creator.token), 'connectPayoutAccount');
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
}

export async function createCampaign(app: TestApp, creator: SignedUpProfile, options: CampaignOptions = {}) {
  const created = ok(
    await app.gql(
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`,
      {
        input: {
          title: options.title ?? `Lamp ${randomUUID().slice(0, 6)}`,
          blurb: 'A lamp that turns light into a crowd',
          description: 'Long story',
          category: options.category ?? 'Design',
          fundingModel: options.fundingModel ?? 'ALL_OR_NOTHING',
          goal: { amount: options.goal ?? 10_000, currency: options.currency ?? 'EUR' },
          deadline: secondsFromNow(options.deadlineSeconds ?? 600),
        },
      },
      creator.token,
    ),
    'createCampaign',
  );
  const tiers: { id: string; minimum: { amount: number } }[] = [];
  for (const [index, tier] of (options.tiers ?? []).entries()) {
    tiers.push(
      ok(
        await app.gql(
          `mutation($id: ID!, $input: RewardTierInput!) { addRewardTier(campaignId: $id, input: $input) { id minimum { amount } limit remaining } }`,
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
  ok(await app.gql(`mutation($id: ID!) { launchCampaign(id: $id) { id status } }`, { id: campaign.id }, creator.token), 'launchCampaign');
  return campaign;
}

export function pledge(
  app: TestApp,
  backer: SignedUpProfile,
  input: { campaignId: string; amount: number; tierId?: string | null; paymentMethodId?: string; idempotencyKey?: string },
) {
  return app.gql(
    `mutation($input: PledgeInput!) { pledge(input: $input) { ${PLEDGE_FIELDS} } }`,
    { input: { paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), ...input } },
    backer.token,
  );
}

export async function campaignState(app: TestApp, id: string, token?: string) {
  return ok(await app.gql(`query($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id }, token), 'campaign');
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

/** A campaignProgress subscription over graphql-ws; `events` fills as the server pushes. */
export async function subscribeToProgress(app: TestApp, campaignId: string, selection = 'id status pledged { amount } collected { amount } backersCount') {
  const client = createClient({ url: `${app.baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const events: any[] = [];
  const errors: unknown[] = [];
  client.subscribe(
    { query: `subscription($id: ID!) { campaignProgress(campaignId: $id) { ${selection} } }`, variables: { id: campaignId } },
    { next: (message) => events.push(message.data?.campaignProgress ?? message), error: (error) => errors.push(error), complete: () => undefined },
  );
  // The server registers the subscription asynchronously; give it a moment before acting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { events, errors, close: () => client.dispose() };
}
