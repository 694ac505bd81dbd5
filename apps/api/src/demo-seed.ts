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

  logger.info(
    { handles: PEOPLE.map((person) => person.handle), password: DEMO_PASSWORD },
    `Seeded a demo crowd: sign in as ada@demo.foule.test (or bea, cyril, dina) with password "${DEMO_PASSWORD}"`,
  );
  return PEOPLE.map((person) => person.handle);
}
