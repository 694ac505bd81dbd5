/**
 * The reference web client (apps/web) in a real browser: Debian's Chromium driven by
 * playwright-core, against the api started as `npm start` starts it (the built dist/, which
 * serves the built client at `/`). The scenarios of issue 14: a backer signs up, pledges, and
 * another signed-in page sees the total move without a reload; a double-clicked pledge makes one
 * pledge; a declined card shows its reason; a designer uploads and submits an entry, the holder
 * sees it arrive and rates it; the session's tokens are rotated silently; the owner chooses which
 * notifications are also emailed (issue 15). Screenshots of each page go to test/artifacts/web/ (gitignored).
 * (Polls are not in the schema yet: their scenario waits for them.)
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CancelPledgeDocument,
  ContestPollsDocument,
  CreatePollDocument,
  LaunchCampaignDocument,
  PublishPrelaunchDocument,
  UpdatePotCampaignDocument,
  WebTestContestEntriesDocument,
  WebTestEntryRatingDocument,
  WebTestMyPledgesDocument,
  WebTestNotificationSettingsDocument,
} from './documents/graphql';
import { CONTEST_TEST_ENV, openContest, submitPicture } from './support/contest-fixtures';
import { signUp, uniqueHandle, type SignedUpProfile } from './support/fixtures';
import { picture } from './support/files-fixtures';
import { createCampaign, liveCampaign, ok, pledge, secondsFromNow, signUpCreator } from './support/funding-fixtures';
import { createTestApp, type TestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.join(__dirname, 'artifacts', 'web');

const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.log(`Web client browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

describeInBrowser('the web client in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let creator: SignedUpProfile;
  let campaign: Awaited<ReturnType<typeof liveCampaign>>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [app, browser] = await Promise.all([createTestApp(CONTEST_TEST_ENV), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })]);
    creator = await signUpCreator(app);
    campaign = await liveCampaign(app, creator, {
      title: 'Lumen: a lamp that follows the sun',
      goal: 1_500_000,
      deadlineSeconds: 30 * 86400,
      tiers: [
        { title: 'Early bird Lumen', minimum: 9_900, limit: 100 },
        { title: 'Lumen', minimum: 12_900 },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  /** A page in a fresh browser profile (its own storage: its own session). */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function signInThroughPage(page: Page, profile: SignedUpProfile): Promise<void> {
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.fill('#field-email', profile.email);
    await page.fill('#field-password', profile.password);
    await page.click('form button[type=submit]');
    await page.waitForSelector('text=Sign out');
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const pledgedShown = (page: Page) => page.textContent('[data-testid=pledged]');

  it('a backer signs up and pledges; the creator, signed in on the campaign page, sees the total and a notification arrive without a reload', async () => {
    const watching = await newPage();
    await signInThroughPage(watching, creator);
    await watching.goto(`${app.baseUrl}/campaigns/${campaign.id}`);
    expect(await pledgedShown(watching)).toBe('€0.00');
    // Page code as strings: the test's TypeScript has no DOM types.
    await watching.evaluate('window.notReloaded = true');

    const backer = await newPage();
    await backer.goto(`${app.baseUrl}/`);
    await backer.click(`text=${campaign.title}`);
    await backer.waitForSelector('[data-testid=pledged]');
    await shot(backer, 'campaign-signed-out');
    await backer.click('.pledge >> text=sign up');
    const handle = uniqueHandle('web');
    await backer.fill('#field-displayName', 'Bea Backer');
    await backer.fill('#field-handle', handle);
    await backer.fill('#field-email', `${handle}@example.com`);
    await backer.fill('#field-password', 'correct horse battery staple');
    await backer.click('form button[type=submit]');
    // Back on the campaign page, signed in.
    await backer.waitForSelector('[data-testid=pledge-button]');
    await backer.check('input[name=tier][value="' + campaign.tiers[0].id + '"]');
    expect(await backer.inputValue('#field-amount')).toBe('99.00');
    await backer.check('input[name=card][value=pm_card_visa]');
    await backer.click('[data-testid=pledge-button]');
    await backer.waitForSelector('[data-testid=your-pledge]');
    expect(await backer.textContent('[data-testid=your-pledge]')).toContain('€99.00');
    await shot(backer, 'campaign-pledged');

    await watching.waitForFunction(`document.querySelector('[data-testid=pledged]')?.textContent === '€99.00'`);
    expect(await watching.textContent('[data-testid=backers]')).toBe('1');
    await watching.waitForFunction(`document.querySelector('[data-testid=unread-count]')?.textContent === '1'`);
    expect(await watching.evaluate('window.notReloaded')).toBe(true);
    await shot(watching, 'campaign-creator-live');

    await watching.click('[data-testid=me]');
    await watching.waitForSelector('[data-testid=notifications] li.unread');
    await shot(watching, 'profile');
    await watching.goto(`${app.baseUrl}/`);
    await watching.waitForSelector('.card');
    await shot(watching, 'discover');
    await Promise.all([watching.context().close(), backer.context().close()]);
  });

  it('a double-clicked pledge makes one pledge, and a declined card shows its reason', async () => {
    const backer = await signUp(app);
    const page = await newPage();
    const keys: string[] = [];
    page.on('request', (request) => {
      const body = request.postData();
      if (request.url().endsWith('/graphql') && body?.includes('WebPledge')) keys.push(JSON.parse(body).variables.input.idempotencyKey);
    });
    await signInThroughPage(page, backer);
    await page.goto(`${app.baseUrl}/campaigns/${campaign.id}`);
    await page.waitForSelector('[data-testid=pledge-button]');

    // A declined card: the reason beside the form, no pledge made.
    await page.fill('#field-amount', '15');
    await page.check('input[name=card][value=pm_card_chargeDeclined]');
    await page.click('[data-testid=pledge-button]');
    const alert = await page.waitForSelector('[role=alert][data-code=PAYMENT_FAILED]');
    expect(await alert.textContent()).toMatch(/declined.*card_declined/i);
    await shot(page, 'campaign-declined');

    // Two clicks in one task, before the page can disable the button: both submit, with one key.
    await page.check('input[name=card][value=pm_card_visa]');
    await page.evaluate(`{ const button = document.querySelector('[data-testid=pledge-button]'); button.click(); button.click(); }`);
    await page.waitForSelector('[data-testid=your-pledge]');
    const pledges = ok(await app.gql(WebTestMyPledgesDocument, {}, backer.token), 'myPledges');
    expect(pledges.totalCount).toBe(1);
    expect(pledges.edges[0].node.amount.amount).toBe(1_500);
    // The declined attempt had its own key; the double click sent one key (twice).
    expect(keys.length).toBe(3);
    expect(new Set(keys.slice(1)).size).toBe(1);
    expect(keys[1]).not.toBe(keys[0]);
    await page.context().close();
  });

  it('rotates the refresh token silently: before the access token expires, and when the api refuses a stale one', async () => {
    const profile = await signUp(app, { displayName: 'Rita Rotation' });
    const page = await newPage();
    await signInThroughPage(page, profile);
    const stored = async () => JSON.parse(await page.evaluate<string>(`localStorage.getItem('foule.session')`)) as { accessToken: string; refreshToken: string; expiresAt: string };
    const signedIn = await stored();

    // An access token about to expire: the page refreshes it on its own, a second or so after loading.
    await page.evaluate(`{ const s = JSON.parse(localStorage.getItem('foule.session')); s.expiresAt = new Date(Date.now() + 2000).toISOString(); localStorage.setItem('foule.session', JSON.stringify(s)); }`);
    await page.reload();
    await page.waitForFunction(`JSON.parse(localStorage.getItem('foule.session')).refreshToken !== ${JSON.stringify(signedIn.refreshToken)}`);
    const rotated = await stored();
    expect(new Date(rotated.expiresAt).getTime()).toBeGreaterThan(Date.now() + 60_000);

    // A token the api refuses (UNAUTHENTICATED): refreshed, and the request sent again, unseen.
    await page.evaluate(`{ const s = JSON.parse(localStorage.getItem('foule.session')); s.accessToken = 'not-a-token'; localStorage.setItem('foule.session', JSON.stringify(s)); }`);
    await page.goto(`${app.baseUrl}/profiles/${profile.handle}`);
    await page.waitForSelector('[data-testid=notifications]');
    expect(await page.isVisible('text=Sign out')).toBe(true);
    const again = await stored();
    expect(again.refreshToken).not.toBe(rotated.refreshToken);
    expect(again.accessToken).not.toBe('not-a-token');
    // What the page holds is a live session the api issued (a spent token within the api's
    // repeat grace would answer too, so the latest one is the one checked).
    const latest = await app.gql('mutation($t: String!) { refreshSession(refreshToken: $t) { profile { id } } }', { t: again.refreshToken });
    expect(latest.data?.refreshSession.profile.id).toBe(profile.id);
    await page.context().close();
  });

  it('the signed-in owner chooses which notifications are also emailed, from the header, with a confirmation', async () => {
    const profile = await signUp(app, { displayName: 'Sam Settings' });
    const page = await newPage();
    await signInThroughPage(page, profile);
    await page.click('header a[href="/settings"]');
    await page.waitForSelector('#email-kind-PAYMENT_FAILED');
    expect(await page.isChecked('#email-kind-PAYMENT_FAILED')).toBe(true);
    expect(await page.isChecked('#email-kind-NEW_FOLLOWER')).toBe(false);
    await page.uncheck('#email-kind-PAYMENT_FAILED');
    await page.check('#email-kind-NEW_FOLLOWER');
    await page.click('text=Save email settings');
    await page.waitForSelector('[data-testid=settings-saved]');
    const { emailKinds: kinds } = ok(await app.gql(WebTestNotificationSettingsDocument, {}, profile.token), 'notificationSettings');
    expect(kinds).toContain('NEW_FOLLOWER');
    expect(kinds).not.toContain('PAYMENT_FAILED');
    await shot(page, 'settings');
    await page.context().close();
  });

  it('a designer uploads and submits an entry; the holder sees it arrive and rates it', async () => {
    const holder = await signUp(app, { displayName: 'Hugo Holder' });
    const designer = await signUp(app, { displayName: 'Dina Designer' });
    const contest = await openContest(app, holder);

    const holderPage = await newPage();
    await signInThroughPage(holderPage, holder);
    await holderPage.goto(`${app.baseUrl}/contests/${contest.id}`);
    await holderPage.waitForSelector('text=No entry yet.');

    const designerPage = await newPage();
    await signInThroughPage(designerPage, designer);
    await designerPage.goto(`${app.baseUrl}/contests/${contest.id}`);
    await designerPage.setInputFiles('#field-file', { name: 'lamp-logo.png', mimeType: 'image/png', buffer: await picture(600, 400, 3) });
    await designerPage.fill('#field-title', 'Sunrise mark');
    await designerPage.click('text=Submit entry >> nth=-1');
    await designerPage.waitForSelector('text=Entry #1 submitted.');
    await designerPage.waitForSelector('[data-testid=entry-1] img');

    // The holder's page was not reloaded: the entry arrives through entrySubmitted.
    await holderPage.waitForSelector('[data-testid=entry-1] img');
    const entries = ok(await app.gql(WebTestContestEntriesDocument, { id: contest.id }, holder.token), 'contest');
    const entryId = entries.entries.edges[0].node.id;
    await holderPage.click('[data-testid=entry-1] button[aria-label="4 stars"]');
    await holderPage.waitForSelector('[data-testid=entry-1] button[aria-label="4 stars"][aria-pressed=true]');
    expect(ok(await app.gql(WebTestEntryRatingDocument, { id: entryId }, holder.token), 'entry').rating).toBe(4);
    // The thumbnail really loads (the api made one from the upload).
    await holderPage.waitForFunction(`(document.querySelector('[data-testid=entry-1] img')?.naturalWidth ?? 0) > 0`);
    await shot(holderPage, 'contest-holder');
    await shot(designerPage, 'contest-designer');
    await Promise.all([holderPage.context().close(), designerPage.context().close()]);
  });

  it('a backer votes in a BACKERS poll and moves the vote; a profile that is no longer a backer is refused, in words', async () => {
    const [backer, leaving] = [await signUp(app, { displayName: 'Vera Voter' }), await signUp(app, { displayName: 'Lea Leaving' })];
    ok(await pledge(app, backer, { campaignId: campaign.id, amount: 2_000 }), 'pledge');
    const leavingPledge = ok(await pledge(app, leaving, { campaignId: campaign.id, amount: 2_000 }), 'pledge');
    const contest = await openContest(app, creator, { campaignId: campaign.id });
    const entries = [];
    for (const seed of [11, 12]) entries.push(await submitPicture(app, await signUp(app), contest.id, await picture(320, 240, seed)));
    const poll = ok(
      await app.gql(CreatePollDocument, { input: { contestId: contest.id, question: 'Which mark says Lumen?', closesAt: secondsFromNow(3600), audience: 'BACKERS', entryIds: entries.map((entry) => entry.id) } }, creator.token),
      'createPoll',
    );

    const [backerPage, leavingPage] = [await newPage(), await newPage()];
    await Promise.all([signInThroughPage(backerPage, backer), signInThroughPage(leavingPage, leaving)]);
    await Promise.all([backerPage.goto(`${app.baseUrl}/contests/${contest.id}`), leavingPage.goto(`${app.baseUrl}/contests/${contest.id}`)]);
    const inPoll = `[data-testid=poll-${poll.id}]`;
    await backerPage.click(`${inPoll} >> text=Vote for #1`);
    await backerPage.waitForSelector(`${inPoll} [data-testid=option-1] >> text=your vote`);
    await backerPage.click(`${inPoll} >> text=Move my vote to #2`);
    await backerPage.waitForSelector(`${inPoll} [data-testid=option-2] >> text=your vote`);
    expect(await backerPage.textContent(`${inPoll} [data-testid=option-2] [data-testid=votes]`)).toBe('1');
    await shot(backerPage, 'contest-poll-backer');

    // Saw the poll as a backer, then canceled the pledge: the vote is refused, said as a person wants it.
    await leavingPage.waitForSelector(`${inPoll} >> text=Vote for #1`);
    ok(await app.gql(CancelPledgeDocument, { id: leavingPledge.id }, leaving.token), 'cancelPledge');
    await leavingPage.click(`${inPoll} >> text=Vote for #1`);
    const refusal = await leavingPage.waitForSelector(`${inPoll} [role=alert][data-code=FORBIDDEN]`);
    expect(await refusal.textContent()).toBe('Only backers of the campaign can vote in this poll.');
    const [seen] = ok(await app.gql(ContestPollsDocument, { id: contest.id }, creator.token), 'contest').polls;
    expect(seen.options.map((option) => option.votes)).toEqual([0, 1]);
    await Promise.all([backerPage.context().close(), leavingPage.context().close()]);
  });

  it('a prelaunch page: a signed-in visitor asks to be notified at launch, and can stop', async () => {
    const draft = await createCampaign(app, creator, { title: 'Lumen mini: coming soon', deadlineSeconds: 30 * 86400 });
    ok(await app.gql(PublishPrelaunchDocument, { campaignId: draft.id }, creator.token), 'publishPrelaunch');
    const visitor = await signUp(app);
    const page = await newPage();
    await signInThroughPage(page, visitor);
    await page.goto(`${app.baseUrl}/campaigns/${draft.id}`);
    await page.click('text=Notify me at launch');
    await page.waitForSelector('text=You will be notified at launch.');
    expect(await page.textContent('[data-testid=followers]')).toBe('1');
    await page.click('text=Stop notifying me');
    await page.waitForSelector('text=Notify me at launch');
    expect(await page.textContent('[data-testid=followers]')).toBe('0');
    await page.context().close();
  });

  it('pledge over time is a choice from the campaign\'s minimum, and the backer sees the payment schedule', async () => {
    const offered = await createCampaign(app, creator, { title: 'Lumen in parts', deadlineSeconds: 30 * 86400 });
    ok(await app.gql(UpdatePotCampaignDocument, { id: offered.id, input: { pledgeOverTime: true, pledgeOverTimeMinimum: 5_000 } }, creator.token), 'updateCampaign');
    ok(await app.gql(LaunchCampaignDocument, { id: offered.id }, creator.token), 'launchCampaign');
    const page = await newPage();
    await signInThroughPage(page, await signUp(app));
    await page.goto(`${app.baseUrl}/campaigns/${offered.id}`);
    await page.fill('#field-amount', '30');
    expect(await page.isDisabled('input[name=plan][value=PLEDGE_OVER_TIME]')).toBe(true);
    await page.fill('#field-amount', '60');
    await page.check('input[name=plan][value=PLEDGE_OVER_TIME]');
    await page.check('input[name=card][value=pm_card_visa]');
    await page.click('[data-testid=pledge-button]');
    await page.waitForSelector('[data-testid=payment-schedule] li');
    const parts = await page.$$eval('[data-testid=payment-schedule] li', (items) => items.length);
    expect(parts).toBeGreaterThan(1);
    await shot(page, 'campaign-pledge-over-time');
    await page.context().close();
  });
});
