/**
 * The authorization matrix (issue 13, part 2): every query, mutation and subscription of
 * schema.gql, and the object fields whose value depends on the viewer, called by every actor of
 * one scene, against the expectations of test/support/authorization-expectations.ts. A field of
 * the schema without an expectation fails, so does an expectation without a field.
 *
 * What counts as denied, by the contract's conventions: UNAUTHENTICATED (sign in first),
 * FORBIDDEN (signed in, not allowed), NOT_FOUND (an object hidden from the viewer is answered as
 * if it did not exist), and null from a nullable root field ("null when it does not exist or is
 * not visible"). Any other refusal (BAD_USER_INPUT, CONFLICT, PAYMENT_FAILED...) means the caller
 * got past authorization and a business rule answered: allowed. RATE_LIMITED, QUERY_TOO_COMPLEX,
 * INTERNAL_SERVER_ERROR or a validation error mean the matrix itself is wrong: the test fails on them.
 */
import { buildSchema, getNamedType, isInterfaceType, isLeafType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import {
  ACTORS,
  ARGUMENT_DEFAULTS,
  NODE_LOOKUPS,
  OBJECT_FIELDS,
  OBJECT_FIELDS_NOT_IN_MATRIX,
  ROOT_FIELDS,
  isPresent,
  type Actor,
  type Call,
  type Scene,
} from './support/authorization-expectations';
import { notificationsOf } from './support/community-fixtures';
import { CONTEST_TEST_ENV, createContestRequest, holderAction, openContest, submitEntryRequest } from './support/contest-fixtures';
import { picture, otherPicture, PDF_BYTES, uploaded } from './support/files-fixtures';
import { ADMIN_EMAIL, signUp, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, createCampaign, liveCampaign, ok, pledge, signUpCreator } from './support/funding-fixtures';
import { eventually, signUpWithRole } from './support/payments-fixtures';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/test-app';

const SIGNED_IN_ACTORS = ACTORS.filter((actor): actor is Exclude<Actor, 'anonymous'> => actor !== 'anonymous');
const FIELDS_AT_ONCE = 6;
type Outcome = 'allow' | 'deny' | `broken: ${string}`;
const DENY_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);
const BUSINESS_CODES = new Set(['BAD_USER_INPUT', 'CONFLICT', 'PAYMENT_FAILED', 'IDEMPOTENCY_KEY_REUSED']);

function classifyErrors(errors: { message: string; extensions?: { code?: string } }[]): Outcome {
  const codes = errors.map((error) => error.extensions?.code ?? 'NO_CODE');
  if (codes.some((code) => DENY_CODES.has(code))) return 'deny';
  if (codes.every((code) => BUSINESS_CODES.has(code))) return 'allow';
  return `broken: ${codes.join(',')} ${errors[0].message.slice(0, 120)}`;
}

function classify(result: GraphQLResponse, field: string, nullable: boolean, granted?: (value: unknown) => boolean): Outcome {
  if (result.errors?.length) return classifyErrors(result.errors);
  if (result.status !== 200) return `broken: HTTP ${result.status}`;
  const value = result.data?.[field];
  if (value === null && nullable) return 'deny';
  return !granted || granted(value) ? 'allow' : 'deny';
}

/** The smallest selection that makes a valid document: nothing for a scalar, the id when there is one. */
function selectionFor(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return '';
  if (isObjectType(type) && 'id' in type.getFields()) return '{ id }';
  return '{ __typename }';
}

function operationFor(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, scene: Scene, call: Call) {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    const value = call.variables && arg.name in call.variables ? call.variables[arg.name] : ARGUMENT_DEFAULTS[arg.name]?.(scene);
    if (value === undefined) {
      if (isNonNullType(arg.type) && arg.defaultValue === undefined) throw new Error(`${field.name}: no value for its argument ${arg.name} (give one in the expectations table)`);
      continue;
    }
    variables[arg.name] = value;
    declarations.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const query = `${kind}${declarations.length ? `(${declarations.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selectionFor(field)} }`;
  return { query, variables };
}

/** Rows of the matrix that differ from the expectations, as one readable block. */
function report(outcomes: Map<string, Map<Actor, Outcome>>, expected: (field: string) => readonly Actor[]): string[] {
  const lines: string[] = [];
  for (const [field, row] of outcomes) {
    const allowed = expected(field);
    const wrong = [...row].filter(([actor, outcome]) => outcome !== (allowed.includes(actor) ? 'allow' : 'deny'));
    if (wrong.length) lines.push(`${field}: ${wrong.map(([actor, outcome]) => `${actor} ${outcome} (expected ${allowed.includes(actor) ? 'allow' : 'deny'})`).join('; ')}`);
  }
  return lines;
}

function matrixTable(outcomes: Map<string, Map<Actor, Outcome>>): string {
  const mark = (outcome: Outcome | undefined) => (outcome === 'allow' ? 'A' : outcome === 'deny' ? '.' : '!');
  const width = Math.max(...[...outcomes.keys()].map((key) => key.length));
  const header = `${''.padEnd(width)}  ${ACTORS.map((actor) => actor.slice(0, 3)).join(' ')}`;
  return [header, ...[...outcomes].map(([field, row]) => `${field.padEnd(width)}  ${ACTORS.map((actor) => mark(row.get(actor)).padEnd(3)).join(' ')}`)].join('\n');
}

describe('authorization matrix', () => {
  let app: TestApp;
  let schema: GraphQLSchema;
  let scene: Scene;
  const tokenOf = (actor: Actor) => (actor === 'anonymous' ? undefined : scene.actors[actor].token);


  beforeAll(async () => {
    schema = buildSchema(readFileSync(path.join(__dirname, '..', 'schema.gql'), 'utf8'));
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV, RATE_LIMIT_PER_MINUTE: '100000', AUTH_MAX_ATTEMPTS: '10000' });
    scene = await buildScene(app);
  });
  afterAll(() => app?.close());

  it('has an expectation for every root field of the schema, and none for a field it lacks', () => {
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      Object.keys(type!.getFields()).map((field) => `${type!.name}.${field}`),
    );
    expect({ withoutExpectation: rootFields.filter((field) => !(field in ROOT_FIELDS)), notInSchema: Object.keys(ROOT_FIELDS).filter((field) => !rootFields.includes(field)) }).toEqual({
      withoutExpectation: [],
      notInSchema: [],
    });
  });

  it('has an expectation for every object field whose description makes it depend on the viewer', () => {
    const viewerDependent: string[] = [];
    const existing = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type)) continue;
      for (const field of Object.values(type.getFields())) {
        existing.add(`${type.name}.${field.name}`);
        if (field.description && /\bonly\b|anyone else|visible to|for non-/i.test(field.description)) viewerDependent.push(`${type.name}.${field.name}`);
      }
    }
    const listed = { ...OBJECT_FIELDS, ...OBJECT_FIELDS_NOT_IN_MATRIX };
    expect({
      withoutExpectation: viewerDependent.filter((field) => !(field in listed)),
      notInSchema: Object.keys(listed).filter((field) => !existing.has(field)),
    }).toEqual({ withoutExpectation: [], notInSchema: [] });
  });

  it('shows the viewer-dependent object fields to exactly the expected actors', async () => {
    const outcomes = new Map<string, Map<Actor, Outcome>>();
    await Promise.all(
      Object.entries(OBJECT_FIELDS).map(async ([coordinate, expectation]) => {
        const { query, variables } = expectation.read(scene);
        const row = new Map<Actor, Outcome>();
        await Promise.all(
          ACTORS.map(async (actor) => {
            const result = await app.gql(query, variables, tokenOf(actor));
            const outcome: Outcome = result.errors?.length ? classifyErrors(result.errors) : isPresent(expectation.value(result.data, scene)) ? 'allow' : 'deny';
            row.set(actor, outcome);
          }),
        );
        outcomes.set(coordinate, new Map(ACTORS.map((actor) => [actor, row.get(actor)!])));
      }),
    );
    const mismatches = report(outcomes, (field) => OBJECT_FIELDS[field].allow);
    if (mismatches.length) console.log(`object fields (A shown, . hidden, ! broken):\n${matrixTable(outcomes)}`);
    expect(mismatches).toEqual([]);
  });

  it('answers node(id) for an object of every Node type to exactly the expected actors', async () => {
    const nodeInterface = schema.getType('Node');
    if (!isInterfaceType(nodeInterface)) throw new Error('schema.gql has no Node interface');
    const nodeTypes = schema.getImplementations(nodeInterface).objects.map((type) => type.name);
    expect({ withoutRow: nodeTypes.filter((type) => !(type in NODE_LOOKUPS)), notANode: Object.keys(NODE_LOOKUPS).filter((type) => !nodeTypes.includes(type)) }).toEqual({
      withoutRow: [],
      notANode: [],
    });
    const outcomes = new Map<string, Map<Actor, Outcome>>();
    const rows = Object.entries(NODE_LOOKUPS).flatMap(([type, row]) => (typeof row === 'string' ? [] : [{ type, ...row }]));
    await Promise.all(
      rows.map(async ({ type, id }) => {
        const results = await Promise.all(ACTORS.map((actor) => app.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id: id(scene) }, tokenOf(actor))));
        outcomes.set(
          `node: ${type}`,
          new Map(
            ACTORS.map((actor, index) => {
              const result = results[index];
              if (result.errors?.length) return [actor, classifyErrors(result.errors)];
              const node = result.data?.node;
              return [actor, node === null ? 'deny' : node?.__typename === type ? 'allow' : `broken: answered ${JSON.stringify(node)}`];
            }),
          ),
        );
      }),
    );
    const mismatches = report(outcomes, (row) => (NODE_LOOKUPS[row.slice('node: '.length)] as { allow: readonly Actor[] }).allow);
    if (mismatches.length) console.log(`node(id) (A visible, . null, ! broken):\n${matrixTable(outcomes)}`);
    expect(mismatches).toEqual([]);
  });

  it('allows and denies every root field exactly as expected', async () => {
    const outcomes = new Map<string, Map<Actor, Outcome>>();
    const fields = [
      ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, type: schema.getQueryType()!, field })),
      ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: 'mutation' as const, type: schema.getMutationType()!, field })),
    ].filter(({ type, field }) => `${type.name}.${field.name}` in ROOT_FIELDS);
    const phaseOf = ({ kind, type, field }: (typeof fields)[number]) => ROOT_FIELDS[`${type.name}.${field.name}`].phase ?? (kind === 'query' ? 0 : 1);
    const phases = [...new Set(fields.map(phaseOf))].sort((a, b) => a - b);

    const run = async (kind: 'query' | 'mutation', type: GraphQLObjectType, field: GraphQLField<unknown, unknown>, actor: Actor, object: Promise<string>): Promise<Outcome> => {
      const expectation = ROOT_FIELDS[`${type.name}.${field.name}`];
      try {
        const call = (await expectation.call?.(scene, actor, await object)) ?? {};
        const { query, variables } = operationFor(kind, field, scene, call);
        const token = 'token' in call ? call.token : tokenOf(actor);
        return classify(await app.gql(query, variables, token), field.name, !isNonNullType(field.type), expectation.granted);
      } catch (error) {
        return `broken: ${String(error).slice(0, 200)}`;
      }
    };

    for (const phase of phases) {
      // The fields of one phase act on different objects (or on the same one in ways that do not
      // change who may call what), so they run side by side, a few at a time on a small machine.
      const inPhase = fields.filter((entry) => phaseOf(entry) === phase);
      const runField = async ({ kind, type, field }: (typeof fields)[number]) => {
        const coordinate = `${type.name}.${field.name}`;
        const { allow: allowed, object } = ROOT_FIELDS[coordinate];
        const objectAtHand = () => object?.(scene) ?? Promise.resolve('');
        const row = new Map<Actor, Outcome>();
        const denied = ACTORS.filter((actor) => !allowed.includes(actor));
        const shared = objectAtHand();
        shared.catch(() => undefined); // reported by each run that awaits it
        (await Promise.all(denied.map((actor) => run(kind, type, field, actor, shared)))).forEach((outcome, index) => row.set(denied[index], outcome));
        const permitted = ACTORS.filter((actor) => allowed.includes(actor));
        (await Promise.all(permitted.map((actor) => run(kind, type, field, actor, objectAtHand())))).forEach((outcome, index) => row.set(permitted[index], outcome));
        outcomes.set(coordinate, new Map(ACTORS.map((actor) => [actor, row.get(actor)!])));
      };
      const queue = [...inPhase];
      await Promise.all(Array.from({ length: FIELDS_AT_ONCE }, async () => {
        for (let entry = queue.shift(); entry; entry = queue.shift()) await runField(entry);
      }));
    }

    const mismatches = report(outcomes, (field) => ROOT_FIELDS[field].allow);
    if (mismatches.length) console.log(`authorization matrix (A allowed, . denied, ! broken):\n${matrixTable(outcomes)}`);
    expect(mismatches).toEqual([]);
  }, 180_000);

  it('accepts or refuses every subscription exactly as expected', async () => {
    const subscriptionType = schema.getSubscriptionType()!;
    const fields = Object.values(subscriptionType.getFields()).filter((field) => `Subscription.${field.name}` in ROOT_FIELDS);
    const clients: Client[] = [];
    const firstMessages = new Map<string, Map<Actor, Outcome | undefined>>(fields.map((field) => [`Subscription.${field.name}`, new Map()]));
    try {
      for (const actor of ACTORS) {
        const token = tokenOf(actor);
        const client = createClient({
          url: `${app.baseUrl.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        });
        clients.push(client);
        for (const field of fields) {
          const coordinate = `Subscription.${field.name}`;
          const call = (await ROOT_FIELDS[coordinate].call?.(scene, actor, '')) ?? {};
          const row = firstMessages.get(coordinate)!;
          const settle = (outcome: Outcome) => row.get(actor) ?? row.set(actor, outcome);
          client.subscribe(operationFor('subscription', field, scene, call), {
            next: (message) => settle(message.errors?.length ? classifyErrors(message.errors as any) : 'allow'),
            error: (error) => settle(Array.isArray(error) ? classifyErrors(error) : `broken: socket closed ${(error as { code?: number }).code ?? String(error)}`),
            complete: () => undefined,
          });
        }
      }
      // Refusals come back at once; an accepted subscription answers with its first event. The
      // server registers a subscription asynchronously and acknowledges nothing, so events are
      // made again, round after round, until every subscription has said something: a new backer
      // moves the campaign, a new entry arrives, a new follower tells everyone signed in.
      const designer = await signUp(app);
      let round = 0;
      const trigger = async () => {
        const follower = await signUp(app);
        await Promise.all([
          pledge(app, follower, { campaignId: scene.campaign.id, amount: 1000, tierId: scene.campaign.tierId }),
          uploaded(app, designer, await picture(400, 300, 100 + round++), 'image/png').then((assetId) => submitEntryRequest(app, designer, scene.openContest.id, [assetId])),
          ...SIGNED_IN_ACTORS.map((actor) => app.gql(`mutation($id: ID!) { follow(profileId: $id) { id } }`, { id: scene.actors[actor].id }, follower.token)),
        ]);
      };
      const settled = () => [...firstMessages.values()].every((row) => ACTORS.every((actor) => row.has(actor)));
      await eventually(
        async () => {
          if (!settled()) await trigger();
          return settled() || null;
        },
        30_000,
        'a first message on every subscription',
      );
    } finally {
      for (const client of clients) void client.dispose();
    }
    const outcomes = new Map([...firstMessages].map(([coordinate, row]) => [coordinate, new Map(ACTORS.map((actor) => [actor, row.get(actor) ?? 'broken: no message']))]));
    const mismatches = report(outcomes, (field) => ROOT_FIELDS[field].allow);
    if (mismatches.length) console.log(`subscriptions (A accepted, . refused, ! broken):\n${matrixTable(outcomes)}`);
    expect(mismatches).toEqual([]);
  });
});

/** One scene for the whole file: every actor with exactly the relation its name says. */
async function buildScene(app: TestApp): Promise<Scene> {
  const [member, owner, editor, updates, viewer, designer, finalist, backer, bystander] = await Promise.all(Array.from({ length: 9 }, () => signUp(app)));
  const [creator, holder, analyst, admin] = await Promise.all([signUpCreator(app), signUpCreator(app), signUpWithRole(app, 'ANALYST'), signUp(app, { email: ADMIN_EMAIL })]);
  const actors = { member, owner, creator, editor, updates, viewer, holder, designer, finalist, backer, analyst, admin };
  const gql = async (query: string, variables: Record<string, unknown>, as: SignedUpProfile) => {
    const result = await app.gql(query, variables, as.token);
    if (result.errors?.length) throw new Error(`scene: ${query.slice(0, 60)} failed: ${JSON.stringify(result.errors)}`);
    return result.data!;
  };
  const ownerPayoutAccount = ok(await app.gql(`mutation { connectPayoutAccount(country: "FR") { id } }`, {}, owner.token), 'connectPayoutAccount');
  // A follower tells the owner (NEW_FOLLOWER): a notification that is the owner's alone.
  await gql(`mutation($id: ID!) { follow(profileId: $id) { id } }`, { id: owner.id }, member);
  const ownerNotification = eventually(async () => (await notificationsOf(app, owner)).find((notification) => notification.kind === 'NEW_FOLLOWER'), 20_000, 'the owner\'s NEW_FOLLOWER notification');

  const addTeam = (campaignId: string) =>
    Promise.all(
      (['EDITOR', 'UPDATES', 'VIEWER'] as const).map((role, index) =>
        gql(`mutation($c: ID!, $p: ID!, $r: CollaboratorRole!) { addCollaborator(campaignId: $c, profileId: $p, role: $r) { id } }`, { c: campaignId, p: [editor, updates, viewer][index].id, r: role }, creator),
      ),
    );
  const teamCampaign = async (live: boolean) => {
    const made = live ? await liveCampaign(app, creator, { tiers: [{ minimum: 1000 }], deadlineSeconds: 3600 }) : await createCampaign(app, creator, { tiers: [{ minimum: 1000 }], deadlineSeconds: 3600 });
    await addTeam(made.id);
    return made;
  };

  const campaign = await teamCampaign(true);
  const [secretTier, addOn, update] = await Promise.all([
    gql(`mutation($c: ID!) { addRewardTier(campaignId: $c, input: { title: "Friends", description: "For the link", minimum: 2000, secret: true }) { id } }`, { c: campaign.id }, creator),
    gql(`mutation($c: ID!) { addAddOn(campaignId: $c, input: { title: "Stand", description: "A stand", price: 700 }) { id } }`, { c: campaign.id }, creator),
    gql(`mutation($c: ID!) { postCampaignUpdate(campaignId: $c, input: { title: "For backers", body: "The plan", backersOnly: true }) { id } }`, { c: campaign.id }, creator),
  ]);
  const { campaign: withToken } = await gql(`query($id: ID!) { campaign(id: $id) { secretRewardToken } }`, { id: campaign.id }, creator);
  const tierId = campaign.tiers[0].id;
  const [ownerPledge] = await Promise.all([
    pledge(app, owner, { campaignId: campaign.id, amount: 1500, tierId }).then((result) => ok(result, 'pledge')),
    pledge(app, backer, { campaignId: campaign.id, amount: 1000, tierId }).then((result) => ok(result, 'pledge')),
    gql(`mutation($c: ID!) { followCampaign(campaignId: $c) { id } }`, { c: campaign.id }, owner),
  ]);
  const draft = await teamCampaign(false);
  const { campaign: draftRead } = await gql(`query($id: ID!) { campaign(id: $id) { slug } }`, { id: draft.id }, creator);
  const [draftGoal, draftAddOn] = await Promise.all([
    gql(`mutation($c: ID!) { addStretchGoal(campaignId: $c, input: { title: "Blue", description: "A colour", target: 50000 }) { id } }`, { c: draft.id }, creator),
    gql(`mutation($c: ID!) { addAddOn(campaignId: $c, input: { title: "Bulb", description: "A bulb", price: 400 }) { id } }`, { c: draft.id }, creator),
  ]);
  const flexible = await liveCampaign(app, creator, { fundingModel: 'FLEXIBLE', deadlineSeconds: 3600 });
  const collected = ok(await pledge(app, owner, { campaignId: flexible.id, amount: 1200 }), 'pledge');
  const { addComment: ownerComment } = await gql(`mutation($s: ID!) { addComment(input: { subjectId: $s, body: "Lovely" }) { id } }`, { s: campaign.id }, owner);

  // Contests: one in its final round (the owner's and the finalist's entries chosen), one open, one draft, one for the handover.
  const [finalContest, open, handover, draftContest, blind] = await Promise.all([
    openContest(app, holder),
    openContest(app, holder),
    openContest(app, holder),
    createContestRequest(app, holder).then((result) => ok(result, 'createContest')),
    openContest(app, holder, { blind: true }),
  ]);
  const [same, other] = await Promise.all([picture(400, 300, 1), otherPicture(400, 300)]);
  const enter = async (as: SignedUpProfile, contestId: string, bytes: Buffer) => ok(await submitEntryRequest(app, as, contestId, [await uploaded(app, as, bytes, 'image/png')]), 'submitEntry');
  const ownerEntry = await enter(owner, finalContest.id, same);
  // The finalist's entry comes later and is the same picture: similarTo lists the owner's on it.
  const [finalistEntry, designerEntry, handoverEntry] = await Promise.all([enter(finalist, finalContest.id, same), enter(designer, finalContest.id, other), enter(owner, handover.id, same)]);
  const [blindEntry] = await Promise.all([enter(owner, blind.id, other), enter(designer, open.id, other)]);
  ok(await holderAction(app, holder, 'rateEntry(id: $id, stars: $stars) { id }', { id: ownerEntry.id, stars: 5 }), 'rateEntry');
  const { createPoll: poll } = await gql(
    `mutation($input: CreatePollInput!) { createPoll(input: $input) { id } }`,
    { input: { contestId: finalContest.id, question: 'Which one?', entryIds: [ownerEntry.id, finalistEntry.id], closesAt: new Date(Date.now() + 3_600_000).toISOString() } },
    holder,
  );
  ok(await holderAction(app, holder, 'selectFinalists(contestId: $contestId, entryIds: $entryIds) { id }', { contestId: finalContest.id, entryIds: [ownerEntry.id, finalistEntry.id] }), 'selectFinalists');
  const deliveryAssetId = await uploaded(app, owner, PDF_BYTES, 'application/pdf');

  // One extra session per actor (a sign-in), for refreshSession and then signOut: neither spoils the actor's own.
  const sessions = new Map<Actor, Promise<{ token: string; refreshToken: string }>>();
  const signInAgain = async (actor: Actor) => {
    const profile = actors[actor === 'anonymous' ? 'owner' : actor];
    const signedIn = await gql(`mutation($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken } }`, { input: { email: profile.email, password: profile.password } }, profile);
    return { token: signedIn.signIn.accessToken as string, refreshToken: signedIn.signIn.refreshToken as string };
  };
  const pictures = new Map<number, Promise<Buffer>>();
  const pictureFor = (seed: number) => pictures.get(seed) ?? pictures.set(seed, picture(400, 300, seed)).get(seed)!;
  let seed = 20;
  const ownerAsset = uploaded(app, owner, await pictureFor(seed), 'image/png');

  return {
    actors,
    campaign: { id: campaign.id, tierId, secretTierId: secretTier.addRewardTier.id, addOnId: addOn.addAddOn.id, secretRewardToken: withToken.secretRewardToken, backersOnlyUpdateId: update.postCampaignUpdate.id },
    draftCampaign: { id: draft.id, slug: draftRead.slug, stretchGoalId: draftGoal.addStretchGoal.id, addOnId: draftAddOn.addAddOn.id },
    ownerNotificationId: (await ownerNotification).id,
    ownerPayoutAccountId: ownerPayoutAccount.id,
    blindEntryId: blindEntry.id,
    ownerPledgeId: ownerPledge.id,
    ownerCollectedPledgeId: collected.id,
    ownerCommentId: ownerComment.id,
    contest: { id: finalContest.id, ownerEntryId: ownerEntry.id, finalistEntryId: finalistEntry.id, designerEntryId: designerEntry.id, pollId: poll.id },
    openContest: { id: open.id },
    draftContestId: draftContest.id,
    handoverContest: { id: handover.id, ownerEntryId: handoverEntry.id, ownerDeliveryAssetId: deliveryAssetId },
    bystanderId: bystander.id,
    make: {
      comment: async () => (await gql(`mutation($s: ID!) { addComment(input: { subjectId: $s, body: "Mine" }) { id } }`, { s: campaign.id }, owner)).addComment.id,
      tier: async () => (await gql(`mutation($c: ID!) { addRewardTier(campaignId: $c, input: { title: "Spare", description: "Spare", minimum: 5000 }) { id } }`, { c: campaign.id }, creator)).addRewardTier.id,
      addOn: async () => (await gql(`mutation($c: ID!) { addAddOn(campaignId: $c, input: { title: "Spare", description: "Spare", price: 300 }) { id } }`, { c: campaign.id }, creator)).addAddOn.id,
      liveCampaign: async () => (await teamCampaign(true)).id,
      draftCampaign: async () => (await teamCampaign(false)).id,
      pledge: async () => {
        const target = await teamCampaign(true);
        return ok(await pledge(app, owner, { campaignId: target.id, amount: 1000, tierId: target.tiers[0].id }), 'pledge').id;
      },
      openContest: async () => (await openContest(app, holder)).id,
      draftContest: async () => ok(await createContestRequest(app, holder), 'createContest').id,
      entry: async () => (await enter(owner, open.id, await pictureFor(++seed))).id,
      collaborator: async () => {
        const profile = await signUp(app);
        await gql(`mutation($c: ID!, $p: ID!) { addCollaborator(campaignId: $c, profileId: $p, role: VIEWER) { id } }`, { c: campaign.id, p: profile.id }, creator);
        return profile.id;
      },
      asset: async (actor) => (actor === 'anonymous' ? ownerAsset : uploaded(app, actors[actor], await pictureFor(++seed), 'image/png')),
      session: (actor) => sessions.get(actor) ?? sessions.set(actor, signInAgain(actor)).get(actor)!,
    },
  };
}
