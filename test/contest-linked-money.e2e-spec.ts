/**
 * Campaign-linked contest money (issue #10, parts 5 and 7).
 * A prize paid from a campaign's collected funds: openContest(fromCampaignId) while the
 * campaign is SUCCESSFUL, not yet paid out and covering prize plus fee; the creator's payout is
 * smaller by exactly that; a cancellation puts it back (into the escrow before the payout, to
 * the creator after it); a payout racing the fundings never lets both take the same money.
 * The winning designer's royalty: counted on what the campaign collects (refunds excluded,
 * half-even), held in escrow while the contest has no winner, paid (ROYALTY, ROYALTY_PAID)
 * when it completes, back to the creator when it is canceled. The ledger stays sound throughout.
 *
 * Time passes by SQL: the payout delay is an hour, and a test "waits" it by moving the campaign's
 * end an hour back and releasing its waiting payout job.
 */
import { randomUUID } from 'node:crypto';
import {
  CancelLinkedContestDocument,
  CreateLinkedContestDocument,
  LinkedPayoutsDocument,
  OpenContestFromCampaignDocument,
  PotPledgeDocument,
  RefundPledgeDocument,
  RoyaltiesEarnedDocument,
} from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, signUpAdmin, type SignedUpProfile } from './support/fixtures';
import { FUNDING_TEST_ENV, escrowBalance, liveCampaign, ok, pledge, signUpCreator, waitForStatus } from './support/funding-fixtures';
import { PDF_BYTES, picture, uploaded } from './support/files-fixtures';
import { eventually, expectLedgerSound } from './support/payments-fixtures';
import { CONTEST_TEST_ENV, contestEscrow, holderAction, openContestRequest, submitPicture, waitForContestStatus } from './support/contest-fixtures';

const PAYOUT_DELAY = 3600;
const PRIZE = 10_000; // the smallest prize; the contest fee (10%) makes 11_000 to fund

describe('contests paid from a campaign, and the winning designer’s royalty', () => {
  let app: TestApp;
  let admin: SignedUpProfile;

  beforeAll(async () => {
    app = await createTestApp({ ...FUNDING_TEST_ENV, ...CONTEST_TEST_ENV, CAMPAIGN_PAYOUT_DELAY_SECONDS: String(PAYOUT_DELAY) });
    admin = await signUpAdmin(app);
  });
  afterAll(() => app.close());

  /** A SUCCESSFUL campaign of `creator` that collected `amounts` (one backer each). */
  async function successfulCampaign(creator: SignedUpProfile, amounts: number[], before?: (campaignId: string) => Promise<void>) {
    const campaign = await liveCampaign(app, creator, { deadlineSeconds: 3, goal: 10_000 });
    const pledges = [];
    for (const amount of amounts) pledges.push(ok(await pledge(app, await signUp(app), { campaignId: campaign.id, amount }), 'pledge'));
    if (before) await before(campaign.id);
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    return { campaign, pledges };
  }

  const createContest = async (holder: SignedUpProfile, input: { campaignId?: string; winnerRoyaltyBps?: number; currency?: string; prize?: number }) =>
    app.gql(
      CreateLinkedContestDocument,
      {
        input: {
          title: `Logo ${randomUUID().slice(0, 6)}`,
          brief: 'A logo for the lamp',
          category: 'Logo',
          prize: { amount: input.prize ?? PRIZE, currency: input.currency ?? 'EUR' },
          qualifyingRoundSeconds: 3600,
          finalRoundSeconds: 3600,
          campaignId: input.campaignId,
          winnerRoyaltyBps: input.winnerRoyaltyBps,
        },
      },
      holder.token,
    );
  const fromCampaign = (holder: SignedUpProfile, contestId: string, campaignId: string, idempotencyKey = randomUUID()) =>
    app.gql(OpenContestFromCampaignDocument, { input: { contestId, fromCampaignId: campaignId, idempotencyKey } }, holder.token);

  /** The payout delay passes: the campaign ended an hour earlier, and its waiting payout job runs now. */
  async function delayPasses(campaignId: string) {
    await app.sql(`UPDATE funding.campaigns SET ended_at = ended_at - make_interval(secs => $2) WHERE id = $1`, [campaignId, PAYOUT_DELAY]);
    await app.sql(`UPDATE pgboss.job SET start_after = now() WHERE name = 'funding.pay-out-campaign' AND singleton_key = $1 AND state = 'created'`, [campaignId]);
  }
  const payoutsMade = async (campaignId: string) => (await app.sql(`SELECT payouts_made FROM funding.campaigns WHERE id = $1`, [campaignId]))[0].payouts_made as number;
  const waitForPayouts = (campaignId: string, n: number) => eventually(async () => (await payoutsMade(campaignId)) >= n, 30_000, `payout ${n} of ${campaignId}`);
  const payoutsOf = async (profile: SignedUpProfile) =>
    ok(await app.gql(LinkedPayoutsDocument, {}, profile.token), 'myPayouts').edges.map(({ node }) => [node.kind, node.amount.amount, node.sourceId]);
  const journalOf = (reference: string) => app.sql(`SELECT kind FROM payments.journal_entries WHERE reference = $1 ORDER BY created_at, id`, [reference]).then((rows) => rows.map((row) => row.kind));

  it('pays a prize from the campaign: refusals write nothing, the payout is smaller by prize plus fee, a cancellation after it goes to the creator', async () => {
    const creator = await signUpCreator(app);
    const { campaign } = await successfulCampaign(creator, [25_000, 15_000]);
    expect(await escrowBalance(app, campaign.id)).toBe(40_000);
    const contest = ok(await createContest(creator, { campaignId: campaign.id }), 'createContest');

    // Refusals, each writing nothing.
    const stranger = await signUp(app);
    const strangers = ok(await createContest(stranger, {}), 'createContest');
    expect(errorCode(await fromCampaign(stranger, strangers.id, campaign.id))).toBe('FORBIDDEN');
    const both = await app.gql(OpenContestFromCampaignDocument, { input: { contestId: contest.id, fromCampaignId: campaign.id, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID() } }, creator.token);
    expect(both.errors?.[0].extensions.fields?.map((field) => field.path)).toEqual(['paymentMethodId', 'fromCampaignId']);
    const dollars = ok(await createContest(creator, { currency: 'USD' }), 'createContest');
    const wrongCurrency = await fromCampaign(creator, dollars.id, campaign.id);
    expect(wrongCurrency.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'fromCampaignId' }] });
    const live = await liveCampaign(app, creator);
    const notYet = await fromCampaign(creator, contest.id, live.id);
    expect([errorCode(notYet), notYet.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('LIVE')]);
    const big = ok(await createContest(creator, { prize: 40_000 }), 'createContest');
    const tooBig = await fromCampaign(creator, big.id, campaign.id);
    expect([errorCode(tooBig), tooBig.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('does not cover prize plus fee')]);
    for (const campaignId of ['cmp_unknown', creator.id]) expect(errorCode(await fromCampaign(creator, contest.id, campaignId))).toBe('NOT_FOUND');
    expect(await app.sql(`SELECT status FROM contest.contests WHERE id = ANY($1) ORDER BY id`, [[contest.id, strangers.id, dollars.id, big.id]])).toEqual(
      [{ status: 'DRAFT' }, { status: 'DRAFT' }, { status: 'DRAFT' }, { status: 'DRAFT' }],
    );
    expect(await escrowBalance(app, campaign.id)).toBe(40_000);

    // Funded, once per idempotency key.
    const key = randomUUID();
    expect(ok(await fromCampaign(creator, contest.id, campaign.id, key), 'openContest')).toMatchObject({ status: 'OPEN', prize: { amount: PRIZE } });
    expect(ok(await fromCampaign(creator, contest.id, campaign.id, key), 'openContest').id).toBe(contest.id);
    expect(await journalOf(contest.id)).toEqual(['contest.funded_from_campaign']);
    expect(await escrowBalance(app, campaign.id)).toBe(29_000);
    expect(await contestEscrow(app, contest.id)).toBe(PRIZE);
    await expectLedgerSound(app);

    // The payout: 40_000 collected, 2_000 platform fee, 11_000 for the contest.
    await delayPasses(campaign.id);
    await waitForPayouts(campaign.id, 1);
    expect(await payoutsOf(creator)).toEqual([['CAMPAIGN_FUNDS', 27_000, campaign.id]]);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
    const late = ok(await createContest(creator, { campaignId: campaign.id }), 'createContest');
    const afterPayout = await fromCampaign(creator, late.id, campaign.id);
    expect([errorCode(afterPayout), afterPayout.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('already paid out')]);

    // Canceled after the payout: the creator was paid net of it, so prize and fee go to the creator.
    expect(ok(await app.gql(CancelLinkedContestDocument, { id: contest.id }, creator.token), 'cancelContest').status).toBe('CANCELED');
    expect(await journalOf(contest.id)).toEqual(['contest.funded_from_campaign', 'contest.returned_to_creator']);
    expect(await contestEscrow(app, contest.id)).toBe(0);
    expect((await payoutsOf(creator)).sort()).toEqual([['CAMPAIGN_FUNDS', 11_000, campaign.id], ['CAMPAIGN_FUNDS', 27_000, campaign.id]]);
    await expectLedgerSound(app);
  });

  it('a pledge over time counts only what it has collected: a prize its later payments would cover is refused until they are paid', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator, { deadlineSeconds: 3, goal: 10_000, pledgeOverTime: true });
    // 33_000 in three payments of 11_000: the first is collected at the deadline, the others a month apart.
    const backer = await signUp(app);
    const overTime = ok(
      await app.gql(
        PotPledgeDocument,
        { input: { campaignId: campaign.id, amount: 33_000, paymentMethodId: 'pm_card_visa', idempotencyKey: randomUUID(), paymentPlan: 'PLEDGE_OVER_TIME' } },
        backer.token,
      ),
      'pledge',
    );
    await waitForStatus(app, campaign.id, 'SUCCESSFUL');
    expect(await escrowBalance(app, campaign.id)).toBe(11_000);
    // The next payout would pay 11_000 less the platform's 5%: 10_450, short of prize plus fee (11_000).
    const contest = ok(await createContest(creator, { campaignId: campaign.id }), 'createContest');
    const refused = await fromCampaign(creator, contest.id, campaign.id);
    expect([errorCode(refused), refused.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('€110.00 needed, €104.50 available')]);
    expect(await escrowBalance(app, campaign.id)).toBe(11_000);

    // The second payment comes in: 22_000 collected, 20_900 after the fee, and the prize is funded.
    await app.sql(`UPDATE funding.pledge_increments SET due_at = now() WHERE pledge_id = $1 AND number = 2`, [overTime.id]);
    await app.sql(`UPDATE pgboss.job SET start_after = now() WHERE name = 'funding.charge-pledge-increment' AND state = 'created' AND data->>'pledgeId' = $1`, [overTime.id]);
    await eventually(async () => (await escrowBalance(app, campaign.id)) === 22_000 || null, 30_000, 'the second payment');
    ok(await fromCampaign(creator, contest.id, campaign.id), 'openContest');
    expect(await escrowBalance(app, campaign.id)).toBe(11_000);
    await expectLedgerSound(app);
  });

  it('a campaign-funded contest canceled before the payout puts prize and fee back into the escrow: the payout is whole again', async () => {
    const creator = await signUpCreator(app);
    const { campaign, pledges } = await successfulCampaign(creator, [20_000]);
    const contest = ok(await createContest(creator, { campaignId: campaign.id }), 'createContest');
    ok(await fromCampaign(creator, contest.id, campaign.id), 'openContest');
    expect(await escrowBalance(app, campaign.id)).toBe(9_000);
    // Refunding the pledge now would take money the contest's prize took: refused, nothing refunded.
    const refund = await app.gql(RefundPledgeDocument, { id: pledges[0].id }, admin.token);
    expect([errorCode(refund), refund.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('cancel the contest first')]);
    expect(await app.sql(`SELECT status, refund_requested_at FROM funding.pledges WHERE id = $1`, [pledges[0].id])).toEqual([{ status: 'COLLECTED', refund_requested_at: null }]);
    ok(await app.gql(CancelLinkedContestDocument, { id: contest.id }, creator.token), 'cancelContest');
    expect(await journalOf(contest.id)).toEqual(['contest.funded_from_campaign', 'contest.returned_to_campaign']);
    expect(await escrowBalance(app, campaign.id)).toBe(20_000);
    await delayPasses(campaign.id);
    await waitForPayouts(campaign.id, 1);
    expect(await payoutsOf(creator)).toEqual([['CAMPAIGN_FUNDS', 19_000, campaign.id]]);
    await expectLedgerSound(app);
  });

  it('a payout racing contest fundings: each funding either comes before it (and the payout is that much smaller) or is refused after it, never both', async () => {
    const creator = await signUpCreator(app);
    const { campaign } = await successfulCampaign(creator, [20_000, 20_000]);
    const contests = [];
    for (let i = 0; i < 3; i++) contests.push(ok(await createContest(creator, { campaignId: campaign.id }), 'createContest'));
    // Release the payout job and open the three contests from the campaign at the same time.
    const [, ...answers] = await Promise.all([delayPasses(campaign.id), ...contests.map((contest) => fromCampaign(creator, contest.id, campaign.id))]);
    await waitForPayouts(campaign.id, 1);
    const opened = answers.filter((answer) => !answer.errors).length;
    for (const answer of answers.filter((a) => a.errors)) expect([errorCode(answer), answer.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('already paid out')]);
    // 40_000 collected, 2_000 fee: the creator got exactly 38_000 less 11_000 per contest funded before the payout.
    expect(await payoutsOf(creator)).toEqual([['CAMPAIGN_FUNDS', 38_000 - 11_000 * opened, campaign.id]]);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
    const escrows = await Promise.all(contests.map((contest) => contestEscrow(app, contest.id)));
    expect(escrows.reduce((a, b) => a + b, 0)).toBe(PRIZE * opened);
    // Funding after the payout is refused too.
    for (const [index, contest] of contests.entries()) if (escrows[index] === 0) expect(errorCode(await fromCampaign(creator, contest.id, campaign.id))).toBe('CONFLICT');
    await expectLedgerSound(app);
  });

  it('winnerRoyaltyBps: 0-3000, only with a campaign, agreed before the first payout', async () => {
    const creator = await signUpCreator(app);
    const campaign = await liveCampaign(app, creator);
    for (const winnerRoyaltyBps of [-1, 3001]) {
      const refused = await createContest(creator, { campaignId: campaign.id, winnerRoyaltyBps });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'winnerRoyaltyBps' }] });
    }
    expect((await createContest(creator, { winnerRoyaltyBps: 500 })).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'winnerRoyaltyBps' }] });
    expect(ok(await createContest(creator, {}), 'createContest').winnerRoyaltyBps).toBe(0);
    expect(ok(await createContest(creator, { campaignId: campaign.id, winnerRoyaltyBps: 2000 }), 'createContest').winnerRoyaltyBps).toBe(2000);
    // All of a campaign's royalties together are at most 3000 bps.
    expect(errorCode(await createContest(creator, { campaignId: campaign.id, winnerRoyaltyBps: 1001 }))).toBe('BAD_USER_INPUT');
    expect(await app.sql(`SELECT bps FROM funding.royalty_agreements WHERE campaign_id = $1`, [campaign.id])).toEqual([{ bps: 2000 }]);
  });

  /** The contest (opened by card) won by `designer`'s entry, handed over and approved. */
  async function winContest(holder: SignedUpProfile, contestId: string, designer: SignedUpProfile) {
    ok(await openContestRequest(app, holder, contestId), 'openContest');
    const entry = await submitPicture(app, designer, contestId, await picture(300, 200, 3));
    ok(await holderAction(app, holder, 'pickWinner(contestId: $contestId, entryId: $entryId) { id }', { contestId, entryId: entry.id }), 'pickWinner');
    const assetIds = [await uploaded(app, designer, PDF_BYTES, 'application/pdf')];
    ok(await holderAction(app, designer, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { id }', { contestId, assetIds }), 'deliverHandover');
    ok(await holderAction(app, holder, 'approveHandover(contestId: $contestId) { id }', { contestId }), 'approveHandover');
    await waitForContestStatus(app, contestId, 'COMPLETED');
  }

  it('royalty: collected less a refund, held at a payout before the contest completes, paid to the winner when it does; a canceled one goes back to the creator', async () => {
    const creator = await signUpCreator(app);
    const designer = await signUpCreator(app);
    let won = '';
    let canceled = '';
    const { campaign, pledges } = await successfulCampaign(creator, [30_005, 7_000], async (campaignId) => {
      won = ok(await createContest(creator, { campaignId, winnerRoyaltyBps: 1000 }), 'createContest').id;
      canceled = ok(await createContest(creator, { campaignId, winnerRoyaltyBps: 500 }), 'createContest').id;
    });
    // A refund before the payout: its pledge earns no royalty.
    ok(await app.gql(RefundPledgeDocument, { id: pledges[1].id }, admin.token), 'refundPledge');
    await delayPasses(campaign.id);
    await waitForPayouts(campaign.id, 1);
    // 30_005 collected: fee 1_500 (1_500.25), royalties 3_000 (3_000.5, half-even) and 1_500 (1_500.25) held.
    expect(await payoutsOf(creator)).toEqual([['CAMPAIGN_FUNDS', 30_005 - 1_500 - 3_000 - 1_500, campaign.id]]);
    expect(await escrowBalance(app, campaign.id)).toBe(4_500);
    await expectLedgerSound(app);

    // The second contest is canceled: its held royalty goes back to the creator with the next payout run.
    ok(await app.gql(CancelLinkedContestDocument, { id: canceled }, creator.token), 'cancelContest');
    await waitForPayouts(campaign.id, 2);
    expect((await payoutsOf(creator)).map(([, amount]) => amount).sort()).toEqual([1_500, 24_005]);
    expect(await escrowBalance(app, campaign.id)).toBe(3_000);

    // The first completes: the winner's royalty is paid, told, and counted in the crowd stats.
    await winContest(creator, won, designer);
    await waitForPayouts(campaign.id, 3);
    expect((await payoutsOf(designer)).sort()).toEqual([['CONTEST_PRIZE', PRIZE, won], ['ROYALTY', 3_000, campaign.id]]);
    expect(await escrowBalance(app, campaign.id)).toBe(0);
    expect(await journalOf(won)).toContain('campaign.royalty_paid');
    const told = await eventually(async () => (await app.sql(`SELECT kind, message FROM community.notifications WHERE recipient_id = $1 AND kind = 'ROYALTY_PAID'`, [designer.id]))[0]);
    expect(told.message).toContain('30.00');
    const stats = ok(await app.gql(RoyaltiesEarnedDocument, { handle: designer.handle }), 'profile').stats;
    expect(stats.royaltiesEarned).toEqual([{ amount: 3_000, currency: 'EUR' }]);
    expect(stats.prizeMoneyWon).toEqual([{ amount: PRIZE, currency: 'EUR' }]);
    const [agreement] = await app.sql(`SELECT accrued::int, settled::int, paid_amount::int, winner_id FROM funding.royalty_agreements WHERE contest_id = $1`, [won]);
    expect(agreement).toEqual({ accrued: 3_000, settled: 3_000, paid_amount: 3_000, winner_id: designer.id });
    await expectLedgerSound(app);
  });
});
