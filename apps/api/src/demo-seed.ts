/**
 * `npm start` on a new embedded database seeds a small demo crowd through the public GraphQL
 * API (so the demo obeys every rule a client does) and prints how to sign in.
 */
import type { Logger } from 'pino';
import type Sharp from 'sharp';

export const DEMO_PASSWORD = 'foule-demo-password';

/** GraphQL data as the demo script reads it: plain JSON whose shape each call knows. */
type Data = { [field: string]: Data } & { [field: string]: string };

interface DemoClient {
  call(query: string, variables?: Record<string, unknown>, token?: string): Promise<Data>;
}

function client(baseUrl: string): DemoClient {
  return {
    async call(query, variables, token) {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(`demo seed: ${body.errors.map((error) => error.message).join('; ')}`);
      return body.data!;
    },
  };
}

export const DEMO_PEOPLE = [
  { handle: 'ada', displayName: 'Ada Lumière', bio: 'Makes lamps. Running a campaign and a packaging contest.' },
  { handle: 'bea', displayName: 'Béa Martin', bio: 'Backs design-forward hardware.' },
  { handle: 'cyril', displayName: 'Cyril Dubois', bio: 'Logo and packaging designer who also backs projects.' },
  { handle: 'dina', displayName: 'Dina Okafor', bio: 'Illustrator.' },
];

/** Seeds when asked and the database has no profile yet; returns the handles it created. */
export async function seedDemoCrowd(
  baseUrl: string,
  isEmpty: () => Promise<boolean>,
  logger: Logger,
): Promise<string[]> {
  if (!(await isEmpty())) return [];
  const api = client(baseUrl);
  const tokens = new Map<string, string>();
  for (const person of DEMO_PEOPLE) {
    const data = await api.call(
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      { input: { email: `${person.handle}@demo.foule.test`, password: DEMO_PASSWORD, handle: person.handle, displayName: person.displayName } },
    );
    tokens.set(person.handle, data.signUp.accessToken);
    await api.call(`mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`, { input: { bio: person.bio } }, data.signUp.accessToken);
  }
  const profile = (handle: string) => api.call(`query($h: String!) { profile(handle: $h) { id } }`, { h: handle }).then((data) => data.profile.id);
  await api.call(`mutation($id: ID!) { follow(profileId: $id) { id } }`, { id: await profile('ada') }, tokens.get('bea'));
  await api.call(`mutation($id: ID!) { follow(profileId: $id) { id } }`, { id: await profile('ada') }, tokens.get('cyril'));

  // Ada runs a campaign for her lamp; Béa and Cyril back it.
  const ada = tokens.get('ada');
  await api.call(`mutation { connectPayoutAccount(country: "FR") { payoutsEnabled } }`, {}, ada);
  const deadline = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
  const created = await api.call(
    `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id slug } }`,
    {
      input: {
        title: 'Lumen: a lamp that follows the sun',
        blurb: 'A desk lamp whose light changes with the time of day.',
        description: 'Lumen is machined aluminium and a warm-to-cool LED array, tuned to your latitude.',
        category: 'Design',
        goal: { amount: 1_500_000, currency: 'EUR' },
        deadline,
      },
    },
    ada,
  );
  const campaignId = created.createCampaign.id;
  const tier = (title: string, minimum: number, limit: number | null) =>
    api.call(
      `mutation($id: ID!, $input: RewardTierInput!) { addRewardTier(campaignId: $id, input: $input) { id } }`,
      { id: campaignId, input: { title, description: `${title} reward`, minimum, limit } },
      ada,
    );
  const early = await tier('Early bird Lumen', 9_900, 100);
  await tier('Lumen', 12_900, null);
  await api.call(
    `mutation($id: ID!, $input: StretchGoalInput!) { addStretchGoal(campaignId: $id, input: $input) { id } }`,
    { id: campaignId, input: { title: 'Walnut base', description: 'Every lamp gets a walnut base.', target: 2_500_000 } },
    ada,
  );
  // --- pledge over time (issue #11, part 1): backers of the live campaign may pay in PLEDGE_OVER_TIME_INCREMENTS parts.
  await api.call(
    `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id } }`,
    { id: campaignId, input: { pledgeOverTime: true, pledgeOverTimeMinimum: 6_000 } },
    ada,
  );
  // --- end of pledge over time

  await api.call(`mutation($id: ID!) { launchCampaign(id: $id) { status } }`, { id: campaignId }, ada);
  for (const backer of ['bea', 'cyril']) {
    await api.call(
      `mutation($input: PledgeInput!) { pledge(input: $input) { id } }`,
      {
        input: {
          campaignId,
          tierId: early.addRewardTier.id,
          amount: 9_900,
          paymentMethodId: 'pm_card_visa',
          idempotencyKey: `demo-${backer}`,
        },
      },
      tokens.get(backer),
    );
  }

  // ---- campaign tools (issue 11: add-ons, secret rewards, prelaunch pages, collaborators) ----
  // Lumen offers a travel case as an add-on and a secret tier for friends (by link: secretRewardToken);
  // Dina helps Ada with its updates (an UPDATES collaborator). Ada prepares her next lamp as a
  // prelaunch page that Béa follows, to hear when it launches.
  await api.call(
    `mutation($id: ID!, $input: AddOnInput!) { addAddOn(campaignId: $id, input: $input) { id } }`,
    { id: campaignId, input: { title: 'Travel case', description: 'A felt case to carry Lumen around.', price: 2_500, limit: 200, maxPerPledge: 2 } },
    ada,
  );
  await api.call(
    `mutation($id: ID!, $input: RewardTierInput!) { addRewardTier(campaignId: $id, input: $input) { id } }`,
    { id: campaignId, input: { title: 'Friends of Lumen', description: 'Signed, numbered, for those with the link.', minimum: 19_900, limit: 20, secret: true } },
    ada,
  );
  await api.call(
    `mutation($c: ID!, $p: ID!) { addCollaborator(campaignId: $c, profileId: $p, role: UPDATES) { id } }`,
    { c: campaignId, p: await profile('dina') },
    ada,
  );
  const next = await api.call(
    `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
    {
      input: {
        title: 'Lumen Mini: the bedside one',
        blurb: 'The lamp that follows the sun, small enough for a bedside table.',
        description: 'Coming soon: follow the page to hear when it launches.',
        category: 'Design',
        goal: { amount: 800_000, currency: 'EUR' },
        deadline: new Date(Date.now() + 45 * 24 * 3600 * 1000).toISOString(),
      },
    },
    ada,
  );
  await api.call(`mutation($id: ID!) { publishPrelaunch(campaignId: $id) { id } }`, { id: next.createCampaign.id }, ada);
  await api.call(`mutation($id: ID!) { followCampaign(campaignId: $id) { id } }`, { id: next.createCampaign.id }, tokens.get('bea'));
  // ---- end of campaign tools ----

  // Ada also holds an open packaging contest; Cyril and Dina enter designs (PNGs made here with sharp).
  const contest = await api.call(
    `mutation($input: CreateContestInput!) { createContest(input: $input) { id } }`,
    {
      input: {
        title: 'Packaging for Lumen',
        brief: 'A box for the Lumen lamp: recyclable, sun-coloured, the lamp visible through a window.',
        category: 'Packaging',
        prize: { amount: 60_000, currency: 'EUR' },
        maxFinalists: 3,
        campaignId, // the join (#10): this contest designs the box of Ada's campaign
      },
    },
    ada,
  );
  const contestId = contest.createContest.id;
  await api.call(
    `mutation($input: OpenContestInput!) { openContest(input: $input) { status } }`,
    { input: { contestId, paymentMethodId: 'pm_card_visa', idempotencyKey: 'demo-contest-open' } },
    ada,
  );
  const designs: [string, string, [number, number, number]][] = [
    ['cyril', 'Sunrise box', [244, 162, 54]],
    ['cyril', 'Midday box', [250, 220, 90]],
    ['dina', 'Dusk window', [120, 70, 160]],
  ];
  for (const [designer, title, colour] of designs) {
    const token = tokens.get(designer);
    const bytes = await demoPicture(colour);
    const upload = await api.call(
      `mutation($input: CreateUploadInput!) { createUpload(input: $input) { assetId uploadUrl method headers { name value } } }`,
      { input: { filename: `${title}.png`, contentType: 'image/png', byteSize: bytes.length } },
      token,
    );
    const ticket = upload.createUpload as unknown as { assetId: string; uploadUrl: string; method: string; headers: { name: string; value: string }[] };
    const sent = await fetch(ticket.uploadUrl, {
      method: ticket.method,
      headers: Object.fromEntries(ticket.headers.map((header) => [header.name, header.value])),
      body: new Uint8Array(bytes),
    });
    if (!sent.ok) throw new Error(`demo seed: uploading "${title}" answered ${sent.status}`);
    await api.call(
      `mutation($input: SubmitEntryInput!) { submitEntry(input: $input) { number } }`,
      { input: { contestId, title, assetIds: [ticket.assetId] } },
      token,
    );
  }

  // ---- polls (#10 part 6): the crowd that funds the lamp helps choose its box. Ada asks her
  // campaign's backers (Béa and Cyril, pending pledges) in a BACKERS poll over the three entries.
  await seedBackersPoll(api, contestId, tokens);
  // ---- end of polls

  logger.info(
    { handles: DEMO_PEOPLE.map((person) => person.handle), password: DEMO_PASSWORD },
    `Seeded a demo crowd (ada runs a live campaign that bea and cyril back, and an open contest for it that cyril and dina entered, with a backers' poll): sign in as ada@demo.foule.test (or bea, cyril, dina) with password "${DEMO_PASSWORD}"`,
  );
  return DEMO_PEOPLE.map((person) => person.handle);
}

/** A BACKERS poll over every entry of the contest, with a vote from each of the campaign's backers. */
async function seedBackersPoll(api: DemoClient, contestId: string, tokens: Map<string, string>): Promise<void> {
  const listed = await api.call(`query($id: ID!) { contest(id: $id) { entries { edges { node { id title } } } } }`, { id: contestId }, tokens.get('ada'));
  const entries = (listed.contest.entries.edges as unknown as { node: { id: string; title: string } }[]).map((edge) => edge.node);
  const entryId = (title: string) => entries.find((entry) => entry.title === title)!.id;
  const created = await api.call(
    `mutation($input: CreatePollInput!) { createPoll(input: $input) { id } }`,
    {
      input: {
        contestId,
        question: 'Backers: which box should Lumen ship in?',
        entryIds: entries.map((entry) => entry.id),
        audience: 'BACKERS',
        closesAt: new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString(),
      },
    },
    tokens.get('ada'),
  );
  const votes: [string, string][] = [
    ['bea', 'Sunrise box'],
    ['cyril', 'Dusk window'],
  ];
  for (const [backer, title] of votes) {
    await api.call(`mutation($pollId: ID!, $entryId: ID!) { vote(pollId: $pollId, entryId: $entryId) { id } }`, { pollId: created.createPoll.id, entryId: entryId(title) }, tokens.get(backer));
  }
}

/** A small box-like picture: a gradient of `colour` with a lighter window, different enough per design for the originality check. */
async function demoPicture([red, green, blue]: [number, number, number]): Promise<Buffer> {
  const [width, height] = [480, 320];
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const window = x > width * 0.3 && x < width * 0.7 && y > height * 0.25 && y < height * 0.75;
      const shade = window ? 1.4 : 0.5 + (0.5 * x) / width;
      const offset = (y * width + x) * 3;
      pixels[offset] = Math.min(255, red * shade);
      pixels[offset + 1] = Math.min(255, green * shade);
      pixels[offset + 2] = Math.min(255, blue * shade);
    }
  }
  // Loaded here, not at boot: sharp and libvips are a measurable share of a boot, and only a new demo database needs them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sharp = require('sharp') as typeof Sharp;
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
