/**
 * Contests with entries, walked through the API: the happy path with early actions (finalists
 * chosen and a winner picked before any timer, handover delivered and approved), numbering
 * under concurrency, blind visibility, the originality check and bad input.
 */
import sharp from 'sharp';
import { createTestApp, type TestApp } from './support/test-app';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import { ok, signUpCreator } from './support/funding-fixtures';
import { PDF_BYTES, otherPicture, picture, uploaded } from './support/files-fixtures';
import { expectLedgerSound } from './support/payments-fixtures';
import {
  CONTEST_TEST_ENV,
  ENTRY_FIELDS,
  contestEscrow,
  holderAction,
  journalKinds,
  openContest,
  submitEntryRequest,
  submitPicture,
} from './support/contest-fixtures';

describe('contests: entries, rounds and the winner', () => {
  let app: TestApp;
  let holder: SignedUpProfile;
  let png: Buffer;

  beforeAll(async () => {
    app = await createTestApp(CONTEST_TEST_ENV);
    holder = await signUp(app);
    png = await picture(400, 300, 1);
  });
  afterAll(() => app.close());

  const entryQuery = (id: string, token?: string) => app.gql(`query($id: ID!) { entry(id: $id) { ${ENTRY_FIELDS} } }`, { id }, token);
  const entriesOf = async (contestId: string, token?: string) =>
    ok(await app.gql(`query($id: ID!) { contest(id: $id) { entries { totalCount edges { node { id number } } } } }`, { id: contestId }, token), 'contest').entries;

  it('happy path with early actions: submit, rate, eliminate, finalists, revise, winner, handover, approval, payout', async () => {
    const contest = await openContest(app, holder, { prize: 50_000, maxFinalists: 2 });
    const [alice, bob, carol] = [await signUpCreator(app), await signUpCreator(app), await signUp(app)];
    const a = await submitPicture(app, alice, contest.id, png);
    const b = await submitPicture(app, bob, contest.id, await otherPicture(400, 300));
    const c = await submitPicture(app, carol, contest.id, await picture(400, 300, 3));
    expect([a.number, b.number, c.number]).toEqual([1, 2, 3]);
    expect(a.currentRevision.assets[0]).toMatchObject({ contentType: 'image/png', width: 400, height: 300, url: expect.stringMatching(/^http/) });

    expect(ok(await holderAction(app, holder, 'rateEntry(id: $id, stars: $stars) { rating }', { id: a.id, stars: 5 }), 'rateEntry').rating).toBe(5);
    expect(ok(await holderAction(app, holder, 'eliminateEntry(id: $id, reason: $reason) { status }', { id: c.id, reason: 'Off brief' }), 'eliminateEntry').status).toBe('ELIMINATED');
    // The rating is the holder's and the designer's business.
    expect(ok(await entryQuery(a.id, alice.token), 'entry').rating).toBe(5);
    expect(ok(await entryQuery(a.id, bob.token), 'entry').rating).toBeNull();
    const refused = await holderAction(app, holder, 'selectFinalists(contestId: $contestId, entryIds: $entryIds) { status }', { contestId: contest.id, entryIds: [a.id, c.id] });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(/eliminated or withdrawn entry cannot become a finalist/);

    const final = ok(
      await holderAction(app, holder, 'selectFinalists(contestId: $contestId, entryIds: $entryIds) { status guaranteed finalRoundEndsAt }', { contestId: contest.id, entryIds: [a.id, b.id] }),
      'selectFinalists',
    );
    expect(final).toMatchObject({ status: 'FINAL_ROUND', guaranteed: true });
    const late = await submitEntryRequest(app, carol, contest.id, [await uploaded(app, carol, png, 'image/png')]);
    expect(errorCode(late)).toBe('CONFLICT');
    expect(late.errors![0].message).toMatch(/in the final round only finalists revise/);

    const revised = ok(
      await app.gql(
        `mutation($input: ReviseEntryInput!) { reviseEntry(input: $input) { ${ENTRY_FIELDS} } }`,
        { input: { entryId: a.id, note: 'Bolder', assetIds: [await uploaded(app, alice, await picture(400, 300, 5), 'image/png')] } },
        alice.token,
      ),
      'reviseEntry',
    );
    expect(revised.revisions.map((r: any) => r.revision)).toEqual([2, 1]);
    expect(revised.currentRevision).toMatchObject({ revision: 2, note: 'Bolder' });
    const notYours = await app.gql(`mutation($id: ID!) { withdrawEntry(id: $id) { id } }`, { id: a.id }, bob.token);
    expect(errorCode(notYours)).toBe('FORBIDDEN');

    expect(ok(await holderAction(app, holder, 'pickWinner(contestId: $contestId, entryId: $entryId) { status winner { id } }', { contestId: contest.id, entryId: a.id }), 'pickWinner')).toEqual({
      status: 'HANDOVER',
      winner: { id: a.id },
    });
    const pdf = await uploaded(app, alice, PDF_BYTES, 'application/pdf');
    expect(errorCode(await holderAction(app, bob, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { status }', { contestId: contest.id, assetIds: [pdf] }))).toBe('FORBIDDEN');
    expect(errorCode(await holderAction(app, holder, 'approveHandover(contestId: $contestId) { status }', { contestId: contest.id }))).toBe('CONFLICT');
    ok(await holderAction(app, alice, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { status }', { contestId: contest.id, assetIds: [pdf] }), 'deliverHandover');
    expect(ok(await holderAction(app, holder, 'approveHandover(contestId: $contestId) { status }', { contestId: contest.id }), 'approveHandover').status).toBe('COMPLETED');

    expect(await contestEscrow(app, contest.id)).toBe(0);
    expect(await journalKinds(app, contest.id)).toEqual(['contest.opened', 'contest.prize_awarded']);
    const [payout] = await app.sql(`SELECT recipient_profile_id, amount::int, source_id FROM payments.payouts WHERE source_id = $1`, [contest.id]);
    expect(payout).toEqual({ recipient_profile_id: alice.id, amount: 50_000, source_id: contest.id });
    const stats = async (profile: SignedUpProfile) =>
      ok(await app.gql(`query($h: String!) { profile(handle: $h) { stats { contestsHeld entriesSubmitted contestsWon prizeMoneyWon { amount currency } } } }`, { h: profile.handle }), 'profile').stats;
    expect(await stats(alice)).toEqual({ contestsHeld: 0, entriesSubmitted: 1, contestsWon: 1, prizeMoneyWon: [{ amount: 50_000, currency: 'EUR' }] });
    expect((await stats(holder)).contestsHeld).toBeGreaterThanOrEqual(1);
    const profileLists = ok(await app.gql(`query($h: String!) { profile(handle: $h) { contests { totalCount } entries { totalCount } } }`, { h: alice.handle }), 'profile');
    expect(profileLists).toEqual({ contests: { totalCount: 0 }, entries: { totalCount: 1 } });
    await expectLedgerSound(app);
  });

  it('numbers concurrent entries 1..n without gaps, and a holder cannot enter their own contest', async () => {
    const contest = await openContest(app, holder);
    const designers = await Promise.all(Array.from({ length: 8 }, () => signUp(app)));
    const assets = await Promise.all(designers.map((designer) => uploaded(app, designer, png, 'image/png')));
    // One of them fails (an asset that is not theirs): its number must not be lost.
    const results = await Promise.all(designers.map((designer, i) => submitEntryRequest(app, designer, contest.id, [i === 3 ? assets[0] : assets[i]])));
    expect(results.filter((result) => result.errors)).toHaveLength(1);
    const numbers = results.filter((result) => !result.errors).map((result) => result.data!.submitEntry.number).sort((x: number, y: number) => x - y);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const own = await submitEntryRequest(app, holder, contest.id, [await uploaded(app, holder, png, 'image/png')]);
    expect(errorCode(own)).toBe('FORBIDDEN');
  });

  it('blind: the holder sees all, a designer their own, others and anonymous none, until COMPLETED', async () => {
    const contest = await openContest(app, holder, { blind: true });
    const [alice, bob, stranger] = [await signUpCreator(app), await signUp(app), await signUp(app)];
    const a = await submitPicture(app, alice, contest.id, png);
    const b = await submitPicture(app, bob, contest.id, await otherPicture(400, 300));
    expect((await entriesOf(contest.id, holder.token)).totalCount).toBe(2);
    expect((await entriesOf(contest.id, alice.token)).edges.map((e: any) => e.node.id)).toEqual([a.id]);
    expect((await entriesOf(contest.id, bob.token)).edges.map((e: any) => e.node.id)).toEqual([b.id]);
    expect((await entriesOf(contest.id, stranger.token)).totalCount).toBe(0);
    expect((await entriesOf(contest.id)).totalCount).toBe(0);
    expect((await entryQuery(a.id, bob.token)).data!.entry).toBeNull();
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: a.id })).data!.node).toBeNull();
    expect(ok(await app.gql(`query($id: ID!) { contest(id: $id) { entriesCount designersCount } }`, { id: contest.id }), 'contest')).toEqual({ entriesCount: 2, designersCount: 2 });
    expect((await app.gql(`query($h: String!) { profile(handle: $h) { entries { totalCount } } }`, { h: alice.handle }, stranger.token)).data!.profile.entries.totalCount).toBe(0);

    ok(await holderAction(app, holder, 'pickWinner(contestId: $contestId, entryId: $entryId) { status }', { contestId: contest.id, entryId: a.id }), 'pickWinner');
    ok(await holderAction(app, alice, 'deliverHandover(contestId: $contestId, assetIds: $assetIds) { status }', { contestId: contest.id, assetIds: [await uploaded(app, alice, PDF_BYTES, 'application/pdf')] }), 'deliverHandover');
    ok(await holderAction(app, holder, 'approveHandover(contestId: $contestId) { status }', { contestId: contest.id }), 'approveHandover');
    expect((await entriesOf(contest.id)).totalCount).toBe(2);
    expect((await entriesOf(contest.id, bob.token)).totalCount).toBe(2);
  });

  it('similarTo finds a re-submitted picture and a recompressed copy, flags no different one, and only for the holder', async () => {
    const contest = await openContest(app, holder);
    const [original, copier, recompressor, honest] = await Promise.all([signUp(app), signUp(app), signUp(app), signUp(app)]);
    const first = await submitPicture(app, original, contest.id, png);
    const copy = await submitPicture(app, copier, contest.id, png);
    const jpeg = await submitPicture(app, recompressor, contest.id, await sharp(png).jpeg({ quality: 70 }).toBuffer(), 'image/jpeg');
    const other = await submitPicture(app, honest, contest.id, await otherPicture(400, 300));
    const similar = async (id: string, token: string) => ok(await entryQuery(id, token), 'entry').similarTo;
    expect(await similar(copy.id, holder.token)).toEqual([{ entry: { id: first.id, number: 1 }, distance: 0 }]);
    const fromJpeg = await similar(jpeg.id, holder.token);
    expect(fromJpeg.map((s: any) => s.entry.id)).toEqual(expect.arrayContaining([first.id, copy.id]));
    for (const match of fromJpeg) expect(match.distance).toBeLessThanOrEqual(10);
    expect(await similar(other.id, holder.token)).toEqual([]);
    expect(await similar(first.id, holder.token)).toEqual([]); // the earliest entry copies nobody
    expect(await similar(copy.id, copier.token)).toEqual([]);
    // Against a designer's own earlier entry nothing is flagged; only other designers' entries are.
    const again = await submitPicture(app, original, contest.id, png);
    expect((await similar(again.id, holder.token)).map((s: any) => s.entry.id).sort()).toEqual([copy.id, jpeg.id].sort());
  });

  it('bad input: stars, too many finalists, another contest entry, unknown, foreign or used assets; unknown ids NOT_FOUND; nothing half-written', async () => {
    const contest = await openContest(app, holder, { maxFinalists: 1 });
    const otherContest = await openContest(app, holder);
    const [alice, bob] = [await signUp(app), await signUp(app)];
    const a = await submitPicture(app, alice, contest.id, png);
    const b = await submitPicture(app, bob, contest.id, png);
    const elsewhere = await submitPicture(app, bob, otherContest.id, png);
    const fields = (result: any) => result.errors?.[0]?.extensions.fields?.map((f: any) => f.path);
    for (const stars of [0, 6]) {
      const result = await holderAction(app, holder, 'rateEntry(id: $id, stars: $stars) { id }', { id: a.id, stars });
      expect([errorCode(result), fields(result)]).toEqual(['BAD_USER_INPUT', ['stars']]);
    }
    const tooMany = await holderAction(app, holder, 'selectFinalists(contestId: $contestId, entryIds: $entryIds) { id }', { contestId: contest.id, entryIds: [a.id, b.id] });
    expect([errorCode(tooMany), fields(tooMany)]).toEqual(['BAD_USER_INPUT', ['entryIds']]);
    const foreign = await holderAction(app, holder, 'selectFinalists(contestId: $contestId, entryIds: $entryIds) { id }', { contestId: contest.id, entryIds: [elsewhere.id] });
    expect([errorCode(foreign), fields(foreign)]).toEqual(['BAD_USER_INPUT', ['entryIds.0']]);
    const wrongWinner = await holderAction(app, holder, 'pickWinner(contestId: $contestId, entryId: $entryId) { id }', { contestId: contest.id, entryId: elsewhere.id });
    expect([errorCode(wrongWinner), fields(wrongWinner)]).toEqual(['BAD_USER_INPUT', ['entryId']]);
    expect(errorCode(await holderAction(app, holder, 'rateEntry(id: $id, stars: $stars) { id }', { id: 'ent_01JD000000000000000000000X', stars: 3 }))).toBe('NOT_FOUND');
    expect(errorCode(await submitEntryRequest(app, alice, 'ctt_01JD000000000000000000000X', [await uploaded(app, alice, png, 'image/png')]))).toBe('NOT_FOUND');

    const before = await app.sql(`SELECT entries_numbered FROM contest.contests WHERE id = $1`, [contest.id]);
    const unknown = await submitEntryRequest(app, alice, contest.id, ['ast_01JD000000000000000000000X']);
    expect([errorCode(unknown), fields(unknown)]).toEqual(['BAD_USER_INPUT', ['assetIds.0']]);
    const bobs = await uploaded(app, bob, png, 'image/png');
    const notHers = await submitEntryRequest(app, alice, contest.id, [bobs]);
    expect([errorCode(notHers), fields(notHers)]).toEqual(['BAD_USER_INPUT', ['assetIds.0']]);
    const used = await app.sql(`SELECT asset_ids FROM contest.entry_revisions WHERE entry_id = $1`, [a.id]);
    const reused = await submitEntryRequest(app, alice, contest.id, [used[0].asset_ids[0]]);
    expect([errorCode(reused), fields(reused)]).toEqual(['BAD_USER_INPUT', ['assetIds.0']]);
    expect(await app.sql(`SELECT entries_numbered FROM contest.contests WHERE id = $1`, [contest.id])).toEqual(before);
    expect(await app.sql(`SELECT count(*)::int AS n FROM contest.entries WHERE contest_id = $1`, [contest.id])).toEqual([{ n: 2 }]);
  });
});
