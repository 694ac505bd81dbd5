import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { DEMO_PASSWORD, seedDemoCrowd } from '../apps/api/src/demo-seed';
import { DemoJoinDocument, SignInTokenDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { ok } from './support/funding-fixtures';
import { eventually } from './support/payments-fixtures';
import { linkToken, recipients } from './support/smtp-sink';

/**
 * The demo crowd `npm start` seeds, through the public API: what a newcomer finds in it. Each
 * part of the product that the demo shows off asserts its own lines here.
 */
describe('the demo crowd', () => {
  let app: TestApp;
  let ada: string;

  beforeAll(async () => {
    app = await createTestApp();
    const handles = await seedDemoCrowd(app.baseUrl, async () => true, pino({ level: 'silent' }));
    expect(handles).toEqual(['ada', 'bea', 'cyril', 'dina']);
    const signedIn = await app.gql(`mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }`, {
      input: { email: 'ada@demo.foule.test', password: DEMO_PASSWORD },
    });
    ada = signedIn.data!.signIn.accessToken;
  }, 120_000);
  afterAll(() => app?.close());

  // Email (issue 15): without SMTP_URL, as under `npm start`, the crowd's emails can be read in DATA_DIR/mail.
  it("writes each demo profile's verification email to DATA_DIR/mail as an .eml file", async () => {
    const mailDir = path.join(app.env.DATA_DIR, 'mail');
    const demoAddresses = ['ada', 'bea', 'cyril', 'dina'].map((handle) => `${handle}@demo.foule.test`);
    const verificationsTo = async () => {
      let files: string[];
      try {
        files = readdirSync(mailDir).filter((file) => file.endsWith('.eml'));
      } catch {
        return null;
      }
      const mails = await Promise.all(files.map(async (file) => simpleParser(readFileSync(path.join(mailDir, file)))));
      const verifications = mails.filter((mail) => /Confirm your email address/.test(mail.subject ?? ''));
      const to = new Set(verifications.flatMap(recipients));
      return demoAddresses.every((address) => to.has(address)) ? verifications : null;
    };
    const verifications = await eventually(verificationsTo, 20_000, `a verification email to each demo profile in ${mailDir}`);
    for (const mail of verifications) expect(linkToken(mail, 'verify-email')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  // Campaign tools (issue 11): the live campaign offers an add-on and a secret tier, Dina is on its team, and a prelaunch page has a follower.
  it("offers an add-on and a secret tier on Ada's live campaign, with a collaborator, beside a followed prelaunch page", async () => {
    const query = `{ campaigns(filter: { creatorId: "${(await app.sql(`SELECT id FROM community.profiles WHERE handle = 'ada'`))[0].id}" }) {
      edges { node { title status prelaunchAt followersCount addOns { title } rewardTiers { title secret } collaborators { role profile { handle } } } } } }`;
    const asAda = (await app.gql(query, {}, ada)).data!.campaigns.edges.map((edge: any) => edge.node);
    const live = asAda.find((campaign: any) => campaign.status === 'LIVE');
    expect(live.addOns).toEqual([{ title: 'Travel case' }]);
    expect(live.rewardTiers).toContainEqual({ title: 'Friends of Lumen', secret: true });
    expect(live.collaborators).toEqual([{ role: 'UPDATES', profile: { handle: 'dina' } }]);
    // Anyone else sees the public tiers only, and the prelaunch page with its follower.
    const anonymous = (await app.gql(query)).data!.campaigns.edges.map((edge: any) => edge.node);
    expect(anonymous.find((campaign: any) => campaign.status === 'LIVE').rewardTiers.every((tier: any) => !tier.secret)).toBe(true);
    const prelaunch = anonymous.find((campaign: any) => campaign.status === 'DRAFT');
    expect(prelaunch).toMatchObject({ title: 'Lumen Mini: the bedside one', followersCount: 1, prelaunchAt: expect.any(String) });
  });

  // The join of #10: the live campaign's linked packaging contest holds a BACKERS poll with votes from its backers (Béa and Cyril); Dina, who backs nothing, does not see it.
  it("shows a live campaign with a linked contest whose entries are in a BACKERS poll with its backers' votes", async () => {
    const token = async (handle: string) => ok(await app.gql(SignInTokenDocument, { input: { email: `${handle}@demo.foule.test`, password: DEMO_PASSWORD } }), 'signIn').accessToken;
    const liveOf = async (handle: string) =>
      ok(await app.gql(DemoJoinDocument, { handle: 'ada' }, await token(handle)), 'profile')
        .campaigns.edges.map((edge) => edge.node)
        .find((campaign) => campaign.status === 'LIVE')!;
    const campaign = await liveOf('bea');
    const [contest] = campaign.contests;
    expect(contest.campaign).toEqual({ id: campaign.id });
    const [poll] = contest.polls;
    expect(poll).toMatchObject({ audience: 'BACKERS', isOpen: true, totalVotes: 2, viewerVote: { id: expect.any(String) } });
    expect(poll.options).toHaveLength(3);
    expect(poll.options.map((option) => option.votes).sort()).toEqual([0, 1, 1]);

    expect((await liveOf('dina')).contests[0].polls).toEqual([]);
  });
});
