/**
 * Property-based fuzzing of every mutation and subscription (issue #13 §3), with fast-check.
 *
 * The arbitraries are derived from the emitted schema.gql, read with graphql-js, so a new
 * field is fuzzed the day it exists: strings (huge, NUL, lone surrogates, RTL and emoji),
 * Int and SafeInt at and past their limits, NaN-like strings, ids of every prefix (real ones
 * from the fixtures, valid-looking ULIDs of other types, malformed ones), DateTimes valid and
 * not, enums with invalid values, input objects with missing, extra and wrong-typed fields,
 * lists empty and huge. Each is sent as variables or written inline as literals, signed in
 * and anonymous; subscriptions over graphql-ws.
 *
 * Every answer must be one the contract allows: never HTTP 500, 400 only for a request
 * refused before execution, no stack trace or file path anywhere, only the contract's codes
 * (and never INTERNAL_SERVER_ERROR: random input is the client's fault), and BAD_USER_INPUT
 * with its `fields`. A refused mutation writes nothing: row counts of every table of every
 * app schema are equal before and after it (the exclusions are listed in REFUSALS_MAY_WRITE).
 *
 * Seeds: random on a local run, fixed under CI (CI_SEED). Replay: FUZZ_SEED=<the printed seed> (and FUZZ_RUNS=<n> for more runs per field;
 * FUZZ_SHRINK=1 to let fast-check shrink a counterexample, slower).
 */
import fc from 'fast-check';
import { CONTRACT_ERROR_CODES } from './support/contract-codes';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { ID_PREFIXES } from '@foule/shared';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { createCampaign, FUNDING_TEST_ENV, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';
import { CONTEST_TEST_ENV, createContestRequest, openContest, submitPicture } from './support/contest-fixtures';
import { otherPicture, picture, uploaded } from './support/files-fixtures';
import { eventually } from './support/payments-fixtures';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = buildSchema(readFileSync(path.join(ROOT, 'schema.gql'), 'utf8'));

/** The codes the contract's header lists ("Every error carries extensions.code, one of: ..."). */
const CONTRACT_CODES = CONTRACT_ERROR_CODES;

// A new seed on every local run, to keep exploring; CI's one fixed seed, so a commit's CI run is
// reproducible and a finding shows up on a developer's run first, not as a red build.
const CI_SEED = 2026;
const SEED = Number(process.env.FUZZ_SEED ?? (process.env.CI ? CI_SEED : Date.now() % 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const SHRINK = process.env.FUZZ_SHRINK === '1';

/**
 * Tables a refused request may write, and why. Anything else changing across a refused
 * mutation is a partial write. pg-boss' own schema is not an app schema (its job tables are
 * written by the scheduler on its own clock) and is not counted at all.
 */
const REFUSALS_MAY_WRITE: Record<string, { why: string; when: (codes: string[]) => boolean }> = {
  'community.sign_in_attempts': { why: 'a refused sign-in is counted, that is the brute-force limit', when: () => true },
  'community.sign_up_refusals': { why: "signUp's \"already registered\" answers (CONFLICT) are counted per client address", when: (codes) => codes.includes('CONFLICT') },
  'community.email_requests': { why: 'the email limits count requests, refused ones included', when: () => true },
  // A declined card is a fact with the provider: the attempt, its customer and the key's recorded outcome stay.
  'payments.sandbox_requests': { why: 'the sandbox provider records every call, a declined one too', when: (codes) => codes.includes('PAYMENT_FAILED') },
  'payments.customers': { why: 'the provider customer is created before the card is declined', when: (codes) => codes.includes('PAYMENT_FAILED') },
};

/**
 * Rows a refused request leaves on purpose, not counted: an idempotency key in state `failed`
 * is the stored refusal of a money mutation that ran (a replay gets the same error, as Stripe
 * replays its errors). A key left `in_progress` or `completed` by a refusal is still counted.
 */
const COUNTED_ROWS: Record<string, string> = {
  'payments.idempotency_keys': "state <> 'failed'",
};

const ulidBody = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);
const PREFIXES = Object.values(ID_PREFIXES);

interface Fixtures {
  /** Real ids by prefix, so a fuzzed id sometimes names something that exists. */
  ids: Record<string, string[]>;
}

const stringArbitrary = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    'x',
    'pm_card_visa',
    'pm_card_chargeDeclined',
    'a@b.co',
    'bad\u0000text',
    '\u0000',
    'lone \uD800 surrogate',
    '\uDC00',
    'שלום עולם \u202Eevil',
    '👩‍👩‍👧‍👦🎉',
    'NaN',
    'Infinity',
    '-0',
    '1e400',
    '12',
    'null',
    'undefined',
    '<script>alert(1)</script>',
    "'; DROP TABLE community.profiles; --",
    '%s%n%x',
    '../../etc/passwd',
    'EUR',
    'eur',
    'FR',
  ),
  fc.constantFrom(1_000, 10_001, 100_000).map((length) => 'x'.repeat(length)),
  fc.nat({ max: 5000 }).map((length) => 'é'.repeat(length)),
);

const intArbitrary = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 10 }),
  fc.constantFrom(0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53, 1e20, -1e20, 1.5, -0.5, 1e308),
  fc.constantFrom('1', 'NaN', 'Infinity', '', true, null),
);

const safeIntArbitrary = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -10, max: 100_000 }),
  fc.constantFrom(0, -1, 1, 99, 100, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, -(2 ** 53), 1e300, 0.5, 1250.5),
  fc.constantFrom('1250', 'NaN', '1e3', '', false),
);

const dateTimeArbitrary = fc.oneof(
  fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }).map((seconds) => new Date(Date.now() + seconds * 1000).toISOString()),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '2030-02-30T00:00:00Z',
    '2030-01-01',
    '2030-01-01T00:00:00',
    '2030-01-01T00:00:00+14:00',
    '9999-12-31T23:59:59.999Z',
    '+275760-09-13T00:00:00.000Z',
    '0000-01-01T00:00:00Z',
    'yesterday',
    '',
    'NaN',
    '1970-01-01T00:00:00Z\u0000',
    0,
    1e15,
    true,
  ),
);

function idArbitrary(fixtures: Fixtures): fc.Arbitrary<unknown> {
  const real = Object.values(fixtures.ids).flat();
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...real) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...PREFIXES), ulidBody).map(([prefix, body]) => `${prefix}_${body}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('', 'cmp_', 'cmp_01JD00000000000000000000', 'cmp_01jd0000000000000000000000', 'CMP_01JD0000000000000000000000', 'xyz_01JD0000000000000000000000', 'cmp_01JD000000000000000000000\u0000', 'cmp 01JD0000000000000000000000'),
        fc.constantFrom(...real).map((id) => `${id} `),
        fc.constantFrom(...real).map((id) => id.toLowerCase()),
        stringArbitrary,
        fc.integer(),
      ),
    },
  );
}

/** Anything at all, for a value of the wrong type. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 10 }),
  fc.constant([]),
  fc.constant({}),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

/** Where a value goes: the root field and the argument or input field's name. */
interface Where {
  field: string;
  name: string;
}

/** The id prefix a name asks for: `campaignId` a campaign's, `id` of `cancelPledge` a pledge's. */
function expectedPrefix({ field, name }: Where): string | undefined {
  const kinds: [RegExp, string][] = [
    [/pledge/i, 'pld'],
    [/tier/i, 'tir'],
    [/addOn/i, 'ado'],
    [/contest|handover|winner|finalist/i, 'ctt'],
    [/campaign|prelaunch|secretReward|collaborator|stretchGoal/i, 'cmp'],
    [/profile|follow\b|unfollow\b|role/i, 'prf'],
    [/entry|entries/i, 'ent'],
    [/comment/i, 'cmt'],
    [/poll|vote/i, 'pol'],
    [/asset/i, 'ast'],
    [/notification/i, 'ntf'],
  ];
  const subject = name === 'id' || name === 'ids' ? field : name;
  return kinds.find(([pattern]) => pattern.test(subject))?.[1];
}

/**
 * Values that get past the first check, so the fuzz also reaches the rules behind it: real ids
 * of the type a name asks for, Stripe's test cards, currencies, fresh idempotency keys.
 */
function hintFor(scalar: string, where: Where, fixtures: Fixtures): fc.Arbitrary<unknown> | undefined {
  if (scalar === 'ID') {
    const real = fixtures.ids[expectedPrefix(where) ?? ''];
    return real?.length ? fc.constantFrom(...real) : undefined;
  }
  if (scalar !== 'String') return undefined;
  const hints: Record<string, fc.Arbitrary<unknown>> = {
    paymentMethodId: fc.constantFrom('pm_card_visa', 'pm_card_mastercard', 'pm_card_chargeCustomerFail', 'pm_card_authenticationRequired', 'pm_card_chargeDeclined', 'pm_card_chargeDeclinedInsufficientFunds'),
    currency: fc.constantFrom('EUR', 'USD', 'GBP', 'JPY', 'eur', 'XXX', 'EURO'),
    country: fc.constantFrom('FR', 'US', 'DE', 'fr', 'ZZ'),
    idempotencyKey: fc.uuid(),
    email: fc.oneof(fc.emailAddress(), fc.constantFrom('admin@foule.test', 'a@b')),
    handle: fc.stringMatching(/^[a-z][a-z0-9_]{2,29}$/),
    password: fc.constantFrom('correct horse battery staple', 'short'),
    token: fc.stringMatching(/^[0-9a-f]{0,64}$/),
    refreshToken: fc.stringMatching(/^[0-9a-f]{0,64}$/),
  };
  return hints[where.name];
}

/** A value for `type`: mostly the right shape, sometimes wrong in one of the ways clients get it wrong. */
function valueFor(type: GraphQLInputType, fixtures: Fixtures, where: Where, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 12, arbitrary: valueFor(type.ofType, fixtures, where, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const wrong = { weight: 1, arbitrary: anyValue };
  if (isListType(type)) {
    const item = valueFor(type.ofType, fixtures, where, depth + 1);
    return fc.oneof(
      { weight: 8, arbitrary: fc.array(item, { maxLength: depth > 1 ? 2 : 4 }) },
      { weight: 1, arbitrary: fc.constant([]) },
      // Huge: one item repeated, so the request is big without costing fast-check the generation.
      // Items kept small, so the request stays near the body limit rather than hundreds of megabytes past it.
      { weight: 1, arbitrary: item.map((value) => Array.from({ length: (JSON.stringify(value) ?? '').length > 200 ? 20 : 2000 }, () => value)) },
      // A single value where a list goes (GraphQL coerces it to a one-item list).
      { weight: 1, arbitrary: item },
      wrong,
    );
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((value) => value.name);
    return fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...names) },
      { weight: 2, arbitrary: fc.constantFrom('NOT_A_VALUE', names[0].toLowerCase(), `${names[0]} `, '') },
      wrong,
    );
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const required = fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined).map((field) => field.name);
    const record = fc.record(Object.fromEntries(fields.map((field) => [field.name, valueFor(field.type, fixtures, { ...where, name: field.name }, depth + 1)])), { requiredKeys: required });
    return fc.oneof(
      { weight: 10, arbitrary: record },
      // A required field missing, an extra field, or the whole object replaced.
      { weight: 1, arbitrary: fc.tuple(record, fc.constantFrom(...fields.map((field) => field.name))).map(([value, drop]) => Object.fromEntries(Object.entries(value as object).filter(([key]) => key !== drop))) },
      { weight: 1, arbitrary: record.map((value) => ({ ...(value as object), notAField: 'extra' })) },
      wrong,
    );
  }
  if (isScalarType(type)) {
    const scalars: Record<string, fc.Arbitrary<unknown>> = {
      String: stringArbitrary,
      ID: idArbitrary(fixtures),
      Int: intArbitrary,
      SafeInt: safeIntArbitrary,
      Float: fc.oneof(fc.double({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom('NaN', 'Infinity', '-0')),
      Boolean: fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1)),
      DateTime: dateTimeArbitrary,
    };
    const arbitrary = scalars[type.name];
    if (!arbitrary) throw new Error(`No arbitrary for the scalar ${type.name}: add one to this test`);
    const hint = hintFor(type.name, where, fixtures);
    return fc.oneof({ weight: 12, arbitrary }, ...(hint ? [{ weight: 8, arbitrary: hint }] : []), wrong);
  }
  throw new Error(`Not an input type: ${String(type)}`);
}

/** The arguments of one field: each present (or absent when nullable, or absent though required, rarely). */
function argumentsFor(field: GraphQLField<unknown, unknown>, fixtures: Fixtures): fc.Arbitrary<Record<string, unknown>> {
  const args = field.args;
  if (args.length === 0) return fc.constant({});
  const required = args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined).map((arg) => arg.name);
  const record = fc.record(Object.fromEntries(args.map((arg) => [arg.name, valueFor(arg.type, fixtures, { field: field.name, name: arg.name })])), { requiredKeys: required });
  return fc.oneof(
    { weight: 12, arbitrary: record },
    { weight: 1, arbitrary: fc.tuple(record, fc.constantFrom(...args.map((arg) => arg.name))).map(([value, drop]) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== drop))) },
  );
}

/** A GraphQL literal for `value` (enum names bare when they look like names; anything else as JSON would write it). */
function literal(value: unknown, type: GraphQLInputType | undefined): string {
  const named = type && getNamedType(type);
  const inner = type && isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, inner && isListType(inner) ? inner.ofType : undefined)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = named && isInputObjectType(named) ? named.getFields() : {};
    const entries = Object.entries(value).filter(([key]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(key));
    return `{${entries.map(([key, item]) => `${key}: ${literal(item, fields[key]?.type)}`).join(', ')}}`;
  }
  if (typeof value === 'string' && named && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) && !['true', 'false', 'null'].includes(value)) return value;
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

function selectionOf(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
}

/** The document for one root field: its arguments as variables, or written inline. */
function documentFor(operation: 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, inline: boolean) {
  const given = field.args.filter((arg) => arg.name in args);
  if (inline) {
    const written = given.map((arg) => `${arg.name}: ${literal(args[arg.name], arg.type)}`).join(', ');
    return { query: `${operation} { ${field.name}${written ? `(${written})` : ''} ${selectionOf(field)} }`, variables: {} };
  }
  const declarations = given.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = given.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return {
    query: `${operation}${declarations ? `(${declarations})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selectionOf(field)} }`,
    variables: args,
  };
}

interface Answer {
  status: number;
  body: any;
}

/** The api's JSON body limit (apps/api/src/bootstrap.ts). */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The statuses of a request refused before anything ran, and the codes each may carry: 400 for
 * a document or variables refused (Apollo's validation and coercion, the text and query
 * limits), 413 for a body past the server's size limit, 429 for the rate limit.
 */
const REFUSED_BEFORE_EXECUTION: Record<number, string[]> = {
  400: ['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX'],
  413: ['BAD_USER_INPUT'],
  429: ['RATE_LIMITED'],
};

/** What leaks the server's insides: stack frames, source paths, library and database messages. */
const INTERNALS = /\n\s+at |\bat [\w.<>]+ \(|\/(work|home|usr|app|src|dist|node_modules)\/|\.(ts|js|mjs):\d+|QueryFailedError|TypeORMError|violates .* constraint|duplicate key|invalid byte sequence|syntax error at or near|relation ".*" does not exist|Cannot read propert|is not a function|undefined is not/;

/** Every check on one answer, as a list of problems (empty when the answer is one the contract allows). */
function problemsOf(answer: Answer, transport: 'http' | 'ws'): string[] {
  const problems: string[] = [];
  if (transport === 'http') {
    if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
    else if (!(answer.status in REFUSED_BEFORE_EXECUTION) && answer.status !== 200) problems.push(`HTTP ${answer.status} (expected 200, or ${Object.keys(REFUSED_BEFORE_EXECUTION).join('/')})`);
  }
  const errors: any[] = answer.body?.errors ?? [];
  const allowed = REFUSED_BEFORE_EXECUTION[answer.status];
  if (transport === 'http' && allowed) {
    if (answer.body?.data !== undefined) problems.push(`HTTP ${answer.status} with data: a request that ran must answer 200`);
    for (const error of errors) {
      if (!allowed.includes(error?.extensions?.code)) problems.push(`HTTP ${answer.status} with ${error?.extensions?.code}: expected ${allowed.join(' or ')}`);
    }
  }
  if (transport === 'http' && answer.body?.data === undefined && errors.length === 0) problems.push('neither data nor errors');
  for (const error of errors) {
    const code = error?.extensions?.code;
    if (!CONTRACT_CODES.includes(code)) problems.push(`code ${code} is not one of the contract's`);
    if (code === 'INTERNAL_SERVER_ERROR') problems.push(`INTERNAL_SERVER_ERROR: ${error.message}`);
    if (error?.extensions?.stacktrace !== undefined || error?.extensions?.exception !== undefined) problems.push('a stack trace in extensions');
    if (typeof error?.message !== 'string' || !error.message) problems.push('an error without a message');
    if (code === 'BAD_USER_INPUT') {
      const fields = error.extensions.fields;
      if (!Array.isArray(fields)) problems.push('BAD_USER_INPUT without extensions.fields');
      else {
        for (const field of fields) if (typeof field?.path !== 'string' || typeof field?.message !== 'string') problems.push(`a malformed field problem ${JSON.stringify(field)}`);
        // About a variable, an argument or an input field: the answer names it.
        if (/Variable "\$|[Aa]rgument "|Field "/.test(error.message) && !fields.some((field: any) => field?.path)) problems.push(`BAD_USER_INPUT about input names no field: ${error.message}`);
      }
    }
  }
  const text = JSON.stringify(answer.body ?? {});
  const leak = INTERNALS.exec(text);
  if (leak) problems.push(`internal detail in the answer: ${JSON.stringify(text.slice(Math.max(0, leak.index - 80), leak.index + 80))}`);
  return problems;
}

/** Row counts of every table of every app schema, in one statement. */
async function tableCounter(app: TestApp): Promise<() => Promise<Record<string, number>>> {
  const tables = await app.sql<{ name: string }>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema', 'pgboss') AND table_schema NOT LIKE 'pg_%'
     ORDER BY 1`,
  );
  if (tables.length < 20) throw new Error(`Only ${tables.length} tables found: the schemas moved?`);
  const statement = tables
    .map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS rows FROM ${name}${COUNTED_ROWS[name] ? ` WHERE ${COUNTED_ROWS[name]}` : ''}`)
    .join(' UNION ALL ');
  return async () => Object.fromEntries((await app.sql<{ name: string; rows: number }>(statement)).map((row) => [row.name, row.rows]));
}

function partialWrites(before: Record<string, number>, after: Record<string, number>, codes: string[]): string[] {
  return Object.keys({ ...before, ...after })
    .filter((table) => before[table] !== after[table] && !REFUSALS_MAY_WRITE[table]?.when(codes))
    .map((table) => `${table}: ${before[table]} rows before, ${after[table]} after`);
}

describe(`fuzz of every mutation and subscription (FUZZ_SEED=${SEED}, ${RUNS} runs per field)`, () => {
  let app: TestApp;
  let member: SignedUpProfile;
  let fixtures: Fixtures;
  let counts: () => Promise<Record<string, number>>;
  /** Whether something may still be writing in the background (a mutation succeeded, so its events are on their way). */
  let unsettled = true;

  const post = async (request: { query: string; variables: Record<string, unknown> }, token?: string): Promise<Answer | 'closed past the body limit'> => {
    const body = JSON.stringify(request);
    let response: Response;
    try {
      response = await fetch(`${app.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
    } catch (error) {
      // Past the 1 MB limit the server answers 413 and may close before the client has written it all.
      if (Buffer.byteLength(body) > BODY_LIMIT_BYTES) return 'closed past the body limit';
      throw error;
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { notJson: text.slice(0, 500) };
    }
    return { status: response.status, body: parsed };
  };

  /**
   * Counts once nothing writes in the background any more: no job due or running, no
   * notification waiting for the relay, and two equal snapshots in a row.
   */
  const settledCounts = async () => {
    if (!unsettled) return counts();
    let last: Record<string, number> | undefined;
    await eventually(
      async () => {
        const [{ pending }] = await app.sql<{ pending: number }>(
          `SELECT (SELECT count(*) FROM pgboss.job WHERE state IN ('created', 'retry', 'active') AND start_after <= now())
                + (SELECT count(*) FROM community.notification_outbox WHERE delivered_at IS NULL) AS pending`,
        );
        const next = await counts();
        const settled = Number(pending) === 0 && JSON.stringify(next) === JSON.stringify(last);
        last = next;
        return settled;
      },
      15_000,
      'the background work of the last accepted mutation to finish',
    );
    unsettled = false;
    return last!;
  };

  beforeAll(async () => {
    console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} (replay with FUZZ_SEED=${SEED} npm run test:e2e -- test/fuzz.e2e-spec.ts)`);
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV, RATE_LIMIT_PER_MINUTE: '1000000', AUTH_MAX_ATTEMPTS: '1000000' });
    member = await signUpCreator(app);
    const other = await signUpCreator(app);
    // Real objects of several types, the member's own and someone else's, so fuzzed ids reach past "not found".
    const draft = await createCampaign(app, member, { tiers: [{ minimum: 500, limit: 5 }] });
    const live = await liveCampaign(app, member, { tiers: [{ minimum: 500 }] });
    const othersLive = await liveCampaign(app, other, { tiers: [{ minimum: 500, limit: 2 }] });
    const backed = ok(await pledge(app, member, { campaignId: othersLive.id, amount: 1000, tierId: othersLive.tiers[0].id }), 'pledge');
    const ownContest = ok(await createContestRequest(app, member), 'createContest');
    const othersContest = await openContest(app, other);
    const entry = await submitPicture(app, member, othersContest.id, await picture());
    const spareAsset = await uploaded(app, member, await otherPicture(), 'image/png');
    const comment = ok(await app.gql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, { input: { subjectId: othersLive.id, body: 'Lovely lamp' } }, member.token), 'addComment');
    fixtures = {
      ids: {
        prf: [member.id, other.id],
        cmp: [draft.id, live.id, othersLive.id],
        tir: [draft.tiers[0].id, live.tiers[0].id, othersLive.tiers[0].id],
        pld: [backed.id],
        ctt: [ownContest.id, othersContest.id],
        ent: [entry.id],
        ast: [spareAsset],
        cmt: [comment.id],
      },
    };
    counts = await tableCounter(app);
  });
  /** How the mutations were answered, printed at the end: a fuzz that only ever hits one refusal tests little. */
  const tally: Record<string, number> = {};
  afterAll(async () => {
    console.log(`fuzz: mutation answers by code (a request counts once per code it got): ${JSON.stringify(tally)}`);
    await app?.close();
  });

  const mutations = Object.values(SCHEMA.getMutationType()!.getFields());
  const subscriptions = Object.values(SCHEMA.getSubscriptionType()!.getFields());

  it('covers every mutation and subscription of the schema', () => {
    expect(mutations.length).toBeGreaterThan(40);
    expect(subscriptions.map((field) => field.name)).toEqual(expect.arrayContaining(['campaignProgress', 'entrySubmitted', 'notificationAdded']));
  });

  it.each(mutations.map((field, index) => [field.name, field, index] as const))('mutation %s', async (_name, field, index) => {
    const sample = fc.record({ args: argumentsFor(field, fixtures), signedIn: fc.boolean(), inline: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(sample, async ({ args, signedIn, inline }) => {
        const before = await settledCounts();
        const answer = await post(documentFor('mutation', field, args, inline), signedIn ? member.token : undefined);
        if (answer === 'closed past the body limit') return;
        const problems = problemsOf(answer, 'http');
        for (const code of new Set<string>((answer.body?.errors ?? []).map((error: any) => error?.extensions?.code))) tally[code] = (tally[code] ?? 0) + 1;
        if (!answer.body?.errors?.length) tally.accepted = (tally.accepted ?? 0) + 1;
        const refused = (answer.body?.errors?.length ?? 0) > 0 && answer.body?.data?.[field.name] == null;
        if (refused) {
          const codes = answer.body.errors.map((error: any) => error?.extensions?.code);
          problems.push(...partialWrites(before, await counts(), codes).map((write) => `a refused mutation wrote: ${write}`));
        } else {
          unsettled = true;
          // signOut (and anything else that ends the member's session) leaves the fuzz a member to be.
          if (signedIn && ['signOut', 'resetPassword'].includes(field.name)) member = await signUp(app);
        }
        if (problems.length) throw new Error(`${problems.join('\n')}\nanswer: ${JSON.stringify(answer).slice(0, 1500)}`);
      }),
      { seed: SEED + index, numRuns: RUNS, endOnFailure: !SHRINK },
    );
  });

  describe('subscriptions over graphql-ws', () => {
    const sockets: Client[] = [];
    const socketFor = (token?: string) => {
      const client = createClient({
        url: `${app.baseUrl.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      });
      sockets.push(client);
      return client;
    };
    afterAll(async () => {
      for (const socket of sockets) await socket.dispose();
    });

    /**
     * The first thing the server says about a subscribe: an error, a completion, an event or a
     * close. A subscribe it accepts says nothing until something happens, so after a grace
     * period with no word it counts as accepted (and is unsubscribed).
     */
    const firstWord = (client: Client, document: { query: string; variables: Record<string, unknown> }) =>
      new Promise<{ kind: 'errors' | 'close' | 'next' | 'complete' | 'accepted'; payload?: any }>((resolve) => {
        let unsubscribe: () => void = () => undefined;
        const timer = setTimeout(() => {
          unsubscribe();
          resolve({ kind: 'accepted' });
        }, 400);
        const done = (word: { kind: 'errors' | 'close' | 'next' | 'complete'; payload?: any }) => {
          clearTimeout(timer);
          unsubscribe();
          resolve(word);
        };
        unsubscribe = client.subscribe(document, {
          next: (payload) => done({ kind: 'next', payload }),
          error: (error) => done(Array.isArray(error) ? { kind: 'errors', payload: { errors: error } } : { kind: 'close', payload: { code: (error as any)?.code, reason: (error as any)?.reason } }),
          complete: () => done({ kind: 'complete' }),
        });
      });

    it.each(subscriptions.map((field, index) => [field.name, field, index] as const))('subscription %s', async (_name, field, index) => {
      const signedInSocket = socketFor(member.token);
      const anonymousSocket = socketFor();
      const sample = fc.record({ args: argumentsFor(field, fixtures), signedIn: fc.boolean(), inline: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(sample, async ({ args, signedIn, inline }) => {
          const word = await firstWord(signedIn ? signedInSocket : anonymousSocket, documentFor('subscription', field, args, inline));
          const problems: string[] = [];
          if (word.kind === 'close') problems.push(`the socket closed (${word.payload.code} ${word.payload.reason}): a bad subscribe must be refused on the subscription, not the socket`);
          if (word.kind === 'errors' || word.kind === 'next') problems.push(...problemsOf({ status: 200, body: word.payload }, 'ws'));
          if (problems.length) throw new Error(`${problems.join('\n')}\nanswer: ${JSON.stringify(word).slice(0, 1500)}`);
        }),
        { seed: SEED + 1000 + index, numRuns: field.args.length ? RUNS : 4, endOnFailure: !SHRINK },
      );
    });
  });

  it('logged no unexpected error while being fuzzed', () => {
    expect(app.output()).not.toMatch(/unexpected error|INTERNAL_SERVER_ERROR/);
  });
});
