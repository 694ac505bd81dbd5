/**
 * Bad input never becomes a 500, and logs never hold secrets. A fuzz over the schema itself
 * (read by introspection) sends NUL and over-long text to every String and ID of every query
 * and mutation argument, nested input fields and lists included; then the single cases: request
 * refusals are HTTP 400, inline literals name their field, text is bounded rather than cut,
 * webhooks refuse what they cannot record, and errors outside GraphQL have GraphQL's shape.
 */
import Stripe from 'stripe';
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { CancelCampaignWithReasonDocument, PledgeDocument, SignUpTokenDocument, TypenameDocument } from './documents/graphql';
import { CONTRACT_ERROR_CODES } from './support/contract-codes';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { createCampaign, FUNDING_TEST_ENV, ok } from './support/funding-fixtures';

// Bad input is the client's fault: never INTERNAL_SERVER_ERROR.
const CONTRACT_CODES = CONTRACT_ERROR_CODES.filter((code) => code !== 'INTERNAL_SERVER_ERROR');
const WEBHOOK_SECRET = 'whsec_test_foule_bad_input';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface FullType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
// Introspection, a string on purpose: the fuzz below walks the live schema for its String and ID arguments.
const INTROSPECTION = `{ __schema { types { kind name
  fields { name type { ${TYPE_REF} } args { name type { ${TYPE_REF} } } }
  inputFields { name type { ${TYPE_REF} } }
  enumValues { name } } } }`;

const named = (type: TypeRef): TypeRef => (type.ofType ? named(type.ofType) : type);
const printType = (type: TypeRef): string =>
  type.kind === 'NON_NULL' ? `${printType(type.ofType!)}!` : type.kind === 'LIST' ? `[${printType(type.ofType!)}]` : type.name!;

/** One place a string goes: the argument path to it, and the variables that put `text` there. */
interface StringTarget {
  operation: 'query' | 'mutation';
  field: string;
  document: string;
  /** The path the server must name ("title" inside `input`, the argument's name elsewhere). */
  expectedPath: string;
  variables(text: string): Record<string, unknown>;
}

function stringTargets(types: Map<string, FullType>): StringTarget[] {
  // A valid-looking value for each type, so that only the target string is wrong.
  const sample = (type: TypeRef, depth = 0): unknown => {
    if (type.kind === 'NON_NULL') return sample(type.ofType!, depth);
    if (type.kind === 'LIST') return [sample(type.ofType!, depth)];
    const full = types.get(type.name!)!;
    if (full.kind === 'ENUM') return full.enumValues![0].name;
    if (full.kind === 'INPUT_OBJECT') {
      return Object.fromEntries(
        full.inputFields!.filter((field) => field.type.kind === 'NON_NULL' && depth < 4).map((field) => [field.name, sample(field.type, depth + 1)]),
      );
    }
    const scalars: Record<string, unknown> = { Int: 1, Float: 1, Boolean: true, DateTime: new Date(Date.now() + 86_400_000).toISOString(), ID: 'x', String: 'x' };
    return scalars[full.name] ?? 1;
  };
  // Every path from an argument to a String or ID, with a setter that writes the text there.
  const paths = (type: TypeRef, path: string[], seen: Set<string>): string[][] => {
    const base = named(type);
    const full = types.get(base.name!)!;
    const inList = type.kind === 'LIST' || (type.kind === 'NON_NULL' && type.ofType!.kind === 'LIST');
    const here = inList ? [...path, '0'] : path;
    if (full.kind === 'SCALAR') return base.name === 'String' || base.name === 'ID' ? [here] : [];
    if (full.kind !== 'INPUT_OBJECT' || seen.has(full.name)) return [];
    return full.inputFields!.flatMap((field) => paths(field.type, [...here, field.name], new Set([...seen, full.name])));
  };
  // "0" is a list's first item (no input field is named so).
  const setAt = (value: any, path: string[], text: string): any => {
    if (path.length === 0) return text;
    const [head, ...rest] = path;
    if (head === '0') return [setAt(Array.isArray(value) ? value[0] : undefined, rest, text)];
    return { ...(value ?? {}), [head]: setAt(value?.[head], rest, text) };
  };

  const targets: StringTarget[] = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = types.get(operation === 'query' ? 'Query' : 'Mutation')!;
    for (const field of root.fields!) {
      const returned = types.get(named(field.type).name!)!;
      const selection = ['OBJECT', 'INTERFACE', 'UNION'].includes(returned.kind) ? '{ __typename }' : '';
      const declarations = field.args.map((arg) => `$${arg.name}: ${printType(arg.type)}`).join(', ');
      // Generated on purpose: one document per root field, built from the live schema.
      const document = `${operation}${declarations ? `(${declarations})` : ''} { ${field.name}${field.args.length ? `(${field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : ''} ${selection} }`;
      const defaults = Object.fromEntries(field.args.filter((arg) => arg.type.kind === 'NON_NULL').map((arg) => [arg.name, sample(arg.type)]));
      for (const arg of field.args) {
        for (const fullPath of paths(arg.type, [], new Set())) {
          targets.push({
            operation,
            field: field.name,
            document,
            expectedPath: arg.name === 'input' ? fullPath.join('.') : [arg.name, ...fullPath].join('.'),
            variables: (text) => ({ ...defaults, [arg.name]: setAt(defaults[arg.name] ?? sample(arg.type), fullPath, text) }),
          });
        }
      }
    }
  }
  return targets;
}

function expectAClearAnswer(result: GraphQLResponse, what: string) {
  expect({ what, status: result.status }).not.toEqual({ what, status: 500 });
  expect({ what, errors: result.errors?.length ?? 0 }).not.toEqual({ what, errors: 0 });
  for (const error of result.errors!) expect({ what, known: CONTRACT_CODES.includes(error.extensions.code) }).toEqual({ what, known: true });
}

describe('bad input', () => {
  let app: TestApp;
  let member: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
    member = await signUp(app);
  });
  afterAll(() => app.close());

  it('answers NUL, a lone surrogate and over-long text in every String and ID argument with BAD_USER_INPUT naming the field, before anything runs', async () => {
    const schema = ok(await app.gql<{ __schema: { types: FullType[] } }>(INTROSPECTION), '__schema');
    const targets = stringTargets(new Map(schema.types.map((type) => [type.name, type])));
    // The schema has dozens of them (sign-up fields, texts, search, slug, handle, ids, payment method, idempotency key).
    expect(targets.length).toBeGreaterThan(40);
    console.log(`input fuzz: ${targets.length} String and ID arguments and input fields of ${new Set(targets.map((target) => target.field)).size} queries and mutations, 3 bad texts each`);
    for (const target of targets) {
      for (const [label, text] of [
        ['NUL', 'bad\u0000text'],
        ['lone surrogate', 'bad\uD800text'],
        ['60,000 characters', 'x'.repeat(60_000)],
      ]) {
        const what = `${target.field} ${target.expectedPath} (${label})`;
        const result = await app.gql(target.document, target.variables(text), member.token);
        expectAClearAnswer(result, what);
        expect({ what, status: result.status, code: errorCode(result) }).toEqual({ what, status: 400, code: 'BAD_USER_INPUT' });
        expect({ what, paths: result.errors![0].extensions.fields!.map((field) => field.path) }).toEqual({ what, paths: [target.expectedPath] });
      }
    }
    // Nothing was refused by the database, and no log line holds SQL parameters or a password hash.
    expect(app.output()).not.toMatch(/"parameters"|\$argon2|INTERNAL_SERVER_ERROR|invalid byte sequence/);
  });

  it('leaves no idempotency key behind for a pledge refused for its text', async () => {
    const idempotencyKey = `key-${randomUUID()}\u0000`;
    const result = await app.gql(
      PledgeDocument,
      { input: { campaignId: 'cmp_01JD0000000000000000000000', amount: 500, paymentMethodId: 'pm_card_visa', idempotencyKey } },
      member.token,
    );
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'idempotencyKey' }] });
    expect(await app.sql(`SELECT count(*)::int AS keys FROM payments.idempotency_keys WHERE profile_id = $1`, [member.id])).toEqual([{ keys: 0 }]);
  });

  it('answers refusals before execution with HTTP 400, and errors of a resolver with 200 beside the data', async () => {
    // Generated on purpose: too deep, too many aliases, too costly.
    const deep = `{ campaigns { ${'edges { node { creator { campaigns { '.repeat(4)}edges { node { id } }${' } } } }'.repeat(4)} } }`;
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const costly = `{ campaigns(first: 1000000) { edges { node { id } } } }`;
    for (const query of [deep, aliases, costly]) {
      const result = await app.gql(query, {}, member.token);
      expect({ query, status: result.status, code: errorCode(result) }).toEqual({ query, status: 400, code: 'QUERY_TOO_COMPLEX' });
    }
    // Strings on purpose from here: a document the schema refuses, then variables that do not coerce.
    const invalid = await app.gql(`{ me { noSuchField } }`, {}, member.token);
    expect({ status: invalid.status, code: errorCode(invalid) }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    const uncoercible = await app.gql(`query($id: ID!) { campaign(id: $id) { id } }`, { id: { not: 'an id' } }, member.token);
    expect({ status: uncoercible.status, code: errorCode(uncoercible) }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    // A rule of the domain, found by the resolver: the request ran, so 200 with `data`.
    const ruled = await app.gql(SignUpTokenDocument, { input: { email: 'short@example.com', handle: 'short_pw', password: 'short', displayName: 'D' } });
    expect({ status: ruled.status, code: errorCode(ruled) }).toEqual({ status: 200, code: 'BAD_USER_INPUT' });
  });

  it('answers more than 50 bad values in variables as BAD_USER_INPUT, past graphql-js\' error limit (found by test/fuzz)', async () => {
    const addOns = Array.from({ length: 60 }, () => null);
    const result = await app.gql(
      PledgeDocument,
      // Deliberately not a PledgeInput: 60 nulls where add-ons go.
      { input: { campaignId: 'cmp_01JD0000000000000000000000', amount: 500, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), addOns } as any },
      member.token,
    );
    expect(result.status).toBe(400);
    expect(new Set(result.errors!.map((error) => error.extensions.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(result.errors!.at(-1)!.message).toMatch(/Too many errors processing variables/);
    expect(app.output()).not.toMatch(/unexpected error/);
  });

  it('names the field of a bad inline literal', async () => {
    // Strings on purpose: the bad literal is written in the document itself, which no typed document may hold.
    const wrongType = await app.gql(`mutation { signUp(input: { email: 5, handle: "h", password: "correct horse", displayName: "D" }) { accessToken } }`);
    expect(wrongType.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'email' }] });
    const missing = await app.gql(`mutation { signUp(input: { email: "a@b.co", password: "correct horse", displayName: "D" }) { accessToken } }`);
    expect(missing.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'handle' }] });
    const nested = await app.gql(`mutation { createCampaign(input: { title: "t", blurb: "b", description: "d", category: "c", goal: { amount: "lots", currency: "EUR" }, deadline: "2030-01-01T00:00:00Z" }) { id } }`, {}, member.token);
    expect(nested.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'goal.amount' }] });
  });

  it('refuses an over-long cancellation reason instead of cutting it, and keeps one within the bound whole', async () => {
    const campaign = await createCampaign(app, member);
    const tooLong = await app.gql(CancelCampaignWithReasonDocument, { id: campaign.id, reason: 'x'.repeat(5000) }, member.token);
    expect(tooLong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'reason', message: 'must be at most 1000 characters' }] });
    const reason = 'y'.repeat(1000);
    ok(await app.gql(CancelCampaignWithReasonDocument, { id: campaign.id, reason }, member.token), 'cancelCampaign');
    expect(await app.sql(`SELECT cancel_reason FROM funding.campaigns WHERE id = $1`, [campaign.id])).toEqual([{ cancel_reason: reason }]);
  });

  it('answers 400 to a signed Stripe event with a NUL in its id or a created time that is not a number, and logs why', async () => {
    const post = async (event: Record<string, unknown>) => {
      const payload = JSON.stringify(event);
      const response = await fetch(`${app.baseUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
        body: payload,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const event = { id: `evt_${Date.now()}`, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: 'pi_x', amount: 1, currency: 'eur' } } };
    for (const malformed of [{ ...event, id: 'evt_\u0000' }, { ...event, created: 'yesterday' }, { ...event, data: { object: { id: 'pi_\u0000' } } }]) {
      const answer = await post(malformed);
      expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    }
    expect(app.output()).toMatch(/refused a signed Stripe event/);
    expect(app.output()).not.toContain(WEBHOOK_SECRET);
  });

  it('answers every error outside GraphQL in GraphQL\'s shape, naming no configuration', async () => {
    const unknownRoute = await fetch(`${app.baseUrl}/no/such/route`);
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }] });
    const notJson = await fetch(`${app.baseUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_USER_INPUT' } }] });
    const unsigned = await fetch(`${app.baseUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'stripe-signature' }] } }] });
  });
});

describe('errors outside GraphQL without webhooks, and RATE_LIMITED', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => app.close());

  it('answers the webhook path of a server without webhooks 404 without naming its configuration', async () => {
    const response = await fetch(`${app.baseUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as any;
    expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }] });
    expect(body.errors[0].message).not.toMatch(/STRIPE|SECRET|_/);
  });

  it('sends Retry-After with every RATE_LIMITED, matching extensions.retryAfterSeconds', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 5 && !limited; i++) {
      const response = await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: print(TypenameDocument) }) });
      if (response.status === 429) limited = response;
    }
    expect(limited).toBeDefined();
    const body = (await limited!.json()) as any;
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(limited!.headers.get('retry-after'))).toBe(body.errors[0].extensions.retryAfterSeconds);
    expect(body.errors[0].extensions.http).toBeUndefined();
  });
});
