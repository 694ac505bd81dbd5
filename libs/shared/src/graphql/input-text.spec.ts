import { buildSchema, parse } from 'graphql';
import { inputTextProblems, isStorableText, MAX_ID_LENGTH, MAX_STRING_ARGUMENT_LENGTH } from './input-text';

const schema = buildSchema(`
  input TierInput { title: String!, tags: [String!] }
  input CampaignInput { title: String!, tiers: [TierInput!], ownerId: ID }
  type Query { campaign(slug: String!, id: ID): Boolean, search(words: [String!]): Boolean }
  type Mutation { createCampaign(input: CampaignInput!, note: String): Boolean }
`);

const problems = (query: string, variables: Record<string, unknown> = {}) => inputTextProblems(schema, parse(query), variables);

describe('isStorableText', () => {
  it.each([
    ['plain text', 'café ☕ 👍', true],
    ['a NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\uD83Db', false],
    ['a lone low surrogate', '\uDC4D', false],
  ])('%s', (_what, text, storable) => expect(isStorableText(text)).toBe(storable));
});

describe('inputTextProblems', () => {
  it('names the field inside `input` and the argument elsewhere, in variables and inline literals alike', () => {
    expect(problems(`mutation($input: CampaignInput!) { createCampaign(input: $input, note: "x\\u0000") }`, { input: { title: 'ok', tiers: [{ title: 'ok' }, { title: 'bad\u0000', tags: ['\uD800'] }] } })).toEqual([
      { path: 'tiers.1.title', message: expect.stringMatching(/NUL/) },
      { path: 'tiers.1.tags.0', message: expect.stringMatching(/NUL/) },
      { path: 'note', message: expect.stringMatching(/NUL/) },
    ]);
    expect(problems(`mutation { createCampaign(input: { title: "a\\u0000", tiers: { title: "ok" } }) }`)).toEqual([{ path: 'title', message: expect.any(String) }]);
    expect(problems(`query($w: [String!]) { search(words: $w) }`, { w: ['fine', 'not\u0000'] })).toEqual([{ path: 'words.1', message: expect.any(String) }]);
  });

  it('bounds ids and String arguments, and leaves text inside input objects to their own rules up to the backstop', () => {
    expect(problems(`query($id: ID) { campaign(slug: "s", id: $id) }`, { id: 'x'.repeat(MAX_ID_LENGTH + 1) })).toEqual([
      { path: 'id', message: `must be at most ${MAX_ID_LENGTH} characters` },
    ]);
    expect(problems(`query($s: String!) { campaign(slug: $s) }`, { s: 'x'.repeat(MAX_STRING_ARGUMENT_LENGTH + 1) })).toHaveLength(1);
    expect(problems(`mutation($input: CampaignInput!) { createCampaign(input: $input) }`, { input: { title: 'x'.repeat(MAX_STRING_ARGUMENT_LENGTH + 1) } })).toEqual([]);
  });

  it('finds nothing in clean input, and only looks at the operation that runs', () => {
    expect(problems(`query { campaign(slug: "fine") }`)).toEqual([]);
    expect(inputTextProblems(schema, parse(`query A { campaign(slug: "ok") } query B { campaign(slug: "\\u0000") }`), {}, 'A')).toEqual([]);
  });

  it("checks each request's own values when the same parsed document comes again (as Apollo's document store hands it)", () => {
    const document = parse(`query A($s: String!) { campaign(slug: $s) } query B { campaign(slug: "\\u0000") }`);
    expect(inputTextProblems(schema, document, { s: 'fine' }, 'A')).toEqual([]);
    expect(inputTextProblems(schema, document, { s: 'bad\u0000' }, 'A')).toEqual([{ path: 'slug', message: expect.stringMatching(/NUL/) }]);
    expect(inputTextProblems(schema, document, { s: 'fine' }, 'B')).toEqual([{ path: 'slug', message: expect.stringMatching(/NUL/) }]);
    expect(inputTextProblems(schema, document, { s: 'fine' }, 'A')).toEqual([]);
  });
});
