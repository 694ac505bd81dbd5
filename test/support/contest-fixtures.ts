/** Fixture builders for the contest e2e tests: contests created and opened through the API, short rounds, money checks. */
import { randomUUID } from 'node:crypto';
import type { SignedUpProfile } from './fixtures';
import { ok } from './funding-fixtures';
import { uploaded } from './files-fixtures';
import { eventually } from './payments-fixtures';
import type { TestApp } from './test-app';

/** Rounds of seconds, not days; selection windows long unless a test shortens them. */
export const CONTEST_TEST_ENV = {
  CONTEST_MIN_ROUND_SECONDS: '1',
  CONTEST_FINALIST_SELECTION_SECONDS: '3600',
  CONTEST_WINNER_SELECTION_SECONDS: '3600',
  HANDOVER_AUTO_APPROVE_SECONDS: '3600',
};

export const CONTEST_FIELDS = `id title status prize { amount currency formatted } guaranteed blind maxFinalists qualifyingEndsAt finalRoundEndsAt
  entriesCount designersCount holder { id } winner { id }`;

export interface ContestOptions {
  prize?: number;
  currency?: string;
  guaranteed?: boolean;
  blind?: boolean;
  maxFinalists?: number;
  qualifyingRoundSeconds?: number;
  finalRoundSeconds?: number;
  category?: string;
  /** A campaign of the holder's that the contest designs for. */
  campaignId?: string;
}

export function createContestRequest(app: TestApp, holder: SignedUpProfile, options: ContestOptions = {}) {
  return app.gql(
    `mutation($input: CreateContestInput!) { createContest(input: $input) { ${CONTEST_FIELDS} } }`,
    {
      input: {
        title: `Logo ${randomUUID().slice(0, 6)}`,
        brief: 'A logo for a lamp that turns light into a crowd',
        category: options.category ?? 'Logo',
        prize: { amount: options.prize ?? 30_000, currency: options.currency ?? 'EUR' },
        guaranteed: options.guaranteed ?? false,
        blind: options.blind ?? false,
        maxFinalists: options.maxFinalists ?? 6,
        qualifyingRoundSeconds: options.qualifyingRoundSeconds ?? 3600,
        finalRoundSeconds: options.finalRoundSeconds ?? 3600,
        campaignId: options.campaignId,
      },
    },
    holder.token,
  );
}

export function openContestRequest(app: TestApp, holder: SignedUpProfile, contestId: string, input: { paymentMethodId?: string; idempotencyKey?: string } = {}) {
  return app.gql(
    `mutation($input: OpenContestInput!) { openContest(input: $input) { ${CONTEST_FIELDS} } }`,
    { input: { contestId, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), ...input } },
    holder.token,
  );
}

/** A contest opened with pm_card_visa: prize + fee charged, prize in escrow. */
export async function openContest(app: TestApp, holder: SignedUpProfile, options: ContestOptions = {}) {
  const created = ok(await createContestRequest(app, holder, options), 'createContest');
  return ok(await openContestRequest(app, holder, created.id), 'openContest');
}

export const contestEscrow = async (app: TestApp, contestId: string, currency = 'EUR') =>
  Number((await app.sql(`SELECT balance FROM payments.account_balances WHERE account = $1 AND currency = $2`, [`contest:${contestId}:escrow`, currency]))[0]?.balance ?? 0);

export const journalKinds = async (app: TestApp, contestId: string) =>
  (await app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY id`, [contestId])).map((row) => row.kind);

/** Sandbox requests whose idempotency key belongs to the contest (charges, refunds). */
export const providerCalls = (app: TestApp, contestId: string) =>
  app.sql(
    `SELECT operation, idempotency_key, object_id, response->>'status' AS status FROM payments.sandbox_requests
      WHERE idempotency_key LIKE $1 ORDER BY created_at`,
    [`contest:${contestId}:%`],
  );

export async function waitForContestStatus(app: TestApp, id: string, status: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const [row] = await app.sql(`SELECT status, refunded_at, charge_id FROM contest.contests WHERE id = $1`, [id]);
      // A canceled contest that was paid counts as there once its refund is recorded.
      return row.status === status && (status !== 'CANCELED' || !row.charge_id || row.refunded_at) ? row : null;
    },
    timeoutMs,
    `contest ${id} to be ${status}`,
  );
}

export const ENTRY_FIELDS = `id number status title rating designer { id } contest { id }
  currentRevision { revision note assets { id contentType width height url thumbnailUrl } } revisions { revision }
  similarTo { entry { id number } distance } submittedAt`;

/** A designer's entry with one uploaded picture (bytes from files-fixtures' picture()). */
export function submitEntryRequest(app: TestApp, designer: SignedUpProfile, contestId: string, assetIds: string[], title = 'My take') {
  return app.gql(`mutation($input: SubmitEntryInput!) { submitEntry(input: $input) { ${ENTRY_FIELDS} } }`, { input: { contestId, title, assetIds } }, designer.token);
}

export async function submitPicture(app: TestApp, designer: SignedUpProfile, contestId: string, bytes: Buffer, contentType = 'image/png') {
  const assetId = await uploaded(app, designer, bytes, contentType);
  return ok(await submitEntryRequest(app, designer, contestId, [assetId]), 'submitEntry');
}

export function holderAction(app: TestApp, holder: SignedUpProfile, mutation: string, variables: Record<string, unknown>) {
  return app.gql(`mutation(${Object.keys(variables).map((name) => `$${name}: ${VARIABLE_TYPES[name]}`).join(', ')}) { ${mutation} }`, variables, holder.token);
}

const VARIABLE_TYPES: Record<string, string> = { id: 'ID!', contestId: 'ID!', entryId: 'ID!', entryIds: '[ID!]!', stars: 'Int!', assetIds: '[ID!]!', reason: 'String' };
