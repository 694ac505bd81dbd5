/**
 * `npm start` on a new embedded database seeds a small demo crowd through the public GraphQL
 * API (so the demo obeys every rule a client does) and prints how to sign in.
 */
import type { Logger } from 'pino';

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

const PEOPLE = [
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
  for (const person of PEOPLE) {
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

  logger.info(
    { handles: PEOPLE.map((person) => person.handle), password: DEMO_PASSWORD },
    `Seeded a demo crowd (ada runs a live campaign that bea and cyril back): sign in as ada@demo.foule.test (or bea, cyril, dina) with password "${DEMO_PASSWORD}"`,
  );
  return PEOPLE.map((person) => person.handle);
}
