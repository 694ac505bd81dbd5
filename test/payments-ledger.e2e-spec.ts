import fc from 'fast-check';
import { Client } from 'pg';
import { createTestApp, type TestApp } from './support/test-app';
import { startPaymentsHarness, type PaymentsHarness } from './support/payments-harness';
import { expectLedgerSound, move } from './support/payments-fixtures';

/**
 * The ledger's rules hold in the database itself, whoever writes: an unbalanced entry cannot
 * be committed, the journal cannot be changed, an escrow cannot go negative, and balances
 * follow postings. Then a property test throws random sequences of operations at the
 * LedgerService (sequential and concurrent) and checks the invariants in SQL.
 */
describe('payments: the double-entry ledger', () => {
  let app: TestApp;
  let harness: PaymentsHarness;
  let db: Client;

  beforeAll(async () => {
    app = await createTestApp();
    harness = await startPaymentsHarness(app);
    db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await harness?.close();
    await app?.close();
  });
  afterEach(() => expectLedgerSound(app));

  /** Runs statements in one transaction on a raw connection; resolves with the error the commit (or a statement) raised. */
  async function transaction(statements: string[]): Promise<string | undefined> {
    try {
      await db.query('BEGIN');
      for (const statement of statements) await db.query(statement);
      await db.query('COMMIT');
      return undefined;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      return (error as Error).message;
    }
  }
  const insertEntry = (id: string) => `INSERT INTO payments.journal_entries (id, kind, reference) VALUES ('${id}', 'test.raw', 'raw')`;
  const insertPosting = (entry: string, n: number, account: string, amount: number, currency = 'EUR') =>
    `INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency) VALUES ('pst_${entry}_${n}', '${entry}', '${account}', ${amount}, '${currency}')`;

  describe('enforced by the database', () => {
    it('cannot commit an unbalanced entry, even written around the service (deferred constraint trigger)', async () => {
      const error = await transaction([insertEntry('jrn_raw1'), insertPosting('jrn_raw1', 1, 'external:stripe', -500), insertPosting('jrn_raw1', 2, 'platform:fees', 499)]);
      expect(error).toMatch(/journal entry jrn_raw1 does not balance: its EUR postings sum to -1/);
      expect(await app.sql(`SELECT 1 FROM payments.journal_entries WHERE id = 'jrn_raw1'`)).toEqual([]);
    });

    it('balances per currency: EUR cannot pay for USD', async () => {
      const error = await transaction([
        insertEntry('jrn_raw2'),
        insertPosting('jrn_raw2', 1, 'external:stripe', -500, 'EUR'),
        insertPosting('jrn_raw2', 2, 'platform:fees', 500, 'USD'),
      ]);
      expect(error).toMatch(/does not balance/);
    });

    it('cannot commit an entry with fewer than two postings', async () => {
      expect(await transaction([insertEntry('jrn_raw3')])).toMatch(/fewer than two postings/);
      expect(await transaction([insertEntry('jrn_raw4'), insertPosting('jrn_raw4', 1, 'platform:fees', 0)])).toMatch(/postings_amount_non_zero/);
    });

    it('commits a balanced entry, however its postings were ordered in the transaction', async () => {
      const error = await transaction([
        insertEntry('jrn_raw5'),
        insertPosting('jrn_raw5', 1, 'platform:fees', 300),
        insertPosting('jrn_raw5', 2, 'platform:fees', 200),
        insertPosting('jrn_raw5', 3, 'external:stripe', -500),
      ]);
      expect(error).toBeUndefined();
    });

    it('refuses to update, delete or truncate the journal', async () => {
      await harness.ok('postJournalEntry', { entry: move('pledge.collected', 'pld_immutable', 'external:stripe', 'campaign:cmp_imm:escrow', 100) });
      expect(await transaction([`UPDATE payments.postings SET amount = amount * 2 WHERE account = 'campaign:cmp_imm:escrow'`])).toMatch(/append-only: UPDATE/);
      expect(await transaction([`DELETE FROM payments.postings WHERE account = 'campaign:cmp_imm:escrow'`])).toMatch(/append-only: DELETE/);
      expect(await transaction([`UPDATE payments.journal_entries SET kind = 'x' WHERE reference = 'pld_immutable'`])).toMatch(/append-only/);
      expect(await transaction([`DELETE FROM payments.journal_entries WHERE reference = 'pld_immutable'`])).toMatch(/append-only/);
      expect(await transaction([`TRUNCATE payments.postings CASCADE`])).toMatch(/append-only: TRUNCATE/);
    });

    it('never lets an escrow go negative, even written around the service (CHECK on balances)', async () => {
      const error = await transaction([
        insertEntry('jrn_raw6'),
        insertPosting('jrn_raw6', 1, 'contest:ctt_raw:escrow', -1),
        insertPosting('jrn_raw6', 2, 'external:stripe', 1),
      ]);
      expect(error).toMatch(/account_balances_escrow_non_negative/);
    });
  });

  describe('enforced by the LedgerService', () => {
    it('refuses an unbalanced entry, an overdrawn escrow and an entry outside a transaction, with LedgerErrors', async () => {
      const unbalanced = await harness.fails('postJournalEntry', {
        entry: { kind: 'pledge.collected', reference: 'p', postings: [{ account: 'external:stripe', amount: -10, currency: 'EUR' }, { account: 'campaign:c:escrow', amount: 9, currency: 'EUR' }] },
      });
      expect(unbalanced).toMatchObject({ name: 'LedgerError', violation: 'unbalanced' });
      const overdraw = await harness.fails('postJournalEntry', { entry: move('pledge.refunded', 'p', 'campaign:cmp_empty:escrow', 'external:stripe', 1) });
      expect(overdraw).toMatchObject({ name: 'LedgerError', violation: 'negative_balance' });
      const outside = await harness.fails('postJournalEntryOutsideTransaction', { entry: move('pledge.collected', 'p', 'external:stripe', 'campaign:c:escrow', 1) });
      expect(outside).toMatchObject({ name: 'LedgerError', violation: 'invalid_entry' });
      const unknownAccount = await harness.fails('postJournalEntry', { entry: move('x.y', 'p', 'external:paypal', 'campaign:c:escrow', 1) });
      expect(unknownAccount).toMatchObject({ name: 'LedgerError', violation: 'invalid_entry' });
    });

    it('appends a batch of entries in order, as one after the other, all or none (appendMany, as a settlement batch records)', async () => {
      // The refund draws on the collection just before it in the same batch: accepted, as it would be one by one.
      const ids = await harness.ok('postJournalEntriesTogether', {
        entries: [
          move('pledge.collected', 'pld_batch_1', 'external:stripe', 'campaign:cmp_batch:escrow', 300),
          move('pledge.refunded', 'pld_batch_1', 'campaign:cmp_batch:escrow', 'external:stripe', 300),
          move('pledge.collected', 'pld_batch_2', 'external:stripe', 'campaign:cmp_batch:escrow', 200),
        ],
      });
      expect(ids).toHaveLength(3);
      const committed = await app.sql(
        `SELECT e.id, e.kind, e.reference, count(p.id)::int AS postings FROM payments.journal_entries e JOIN payments.postings p ON p.journal_entry_id = e.id
          WHERE e.id = ANY($1) GROUP BY e.id, e.kind, e.reference`,
        [ids],
      );
      expect(new Map(committed.map((row) => [row.id, [row.kind, row.reference, row.postings]]))).toEqual(
        new Map([
          [ids[0], ['pledge.collected', 'pld_batch_1', 2]],
          [ids[1], ['pledge.refunded', 'pld_batch_1', 2]],
          [ids[2], ['pledge.collected', 'pld_batch_2', 2]],
        ]),
      );
      expect(await harness.ok('accountBalance', { account: 'campaign:cmp_batch:escrow', currency: 'EUR' })).toBe(200);
      // The second refund overdraws what the batch left: the whole batch is refused, the collection before it too.
      const overdraw = await harness.fails('postJournalEntriesTogether', {
        entries: [
          move('pledge.collected', 'pld_batch_3', 'external:stripe', 'campaign:cmp_batch:escrow', 100),
          move('pledge.refunded', 'pld_batch_2', 'campaign:cmp_batch:escrow', 'external:stripe', 200),
          move('pledge.refunded', 'pld_batch_3', 'campaign:cmp_batch:escrow', 'external:stripe', 101),
        ],
      });
      expect(overdraw).toMatchObject({ name: 'LedgerError', violation: 'negative_balance' });
      expect(await app.sql(`SELECT 1 FROM payments.journal_entries WHERE reference = 'pld_batch_3'`)).toEqual([]);
      expect(await harness.ok('accountBalance', { account: 'campaign:cmp_batch:escrow', currency: 'EUR' })).toBe(200);
    });

    it('serializes concurrent withdrawals from one escrow: 20 refunds of 100 from 1000 leave exactly 0', async () => {
      await harness.ok('postJournalEntry', { entry: move('pledge.collected', 'pld_race', 'external:stripe', 'campaign:cmp_race:escrow', 1_000) });
      const refunds = Array.from({ length: 20 }, (_, i) => move('pledge.refunded', `pld_race_${i}`, 'campaign:cmp_race:escrow', 'external:stripe', 100));
      const outcomes = await harness.ok('postJournalEntriesConcurrently', { entries: refunds });
      expect(outcomes.filter((outcome: any) => outcome.ok)).toHaveLength(10);
      expect(outcomes.filter((outcome: any) => !outcome.ok).every((outcome: any) => outcome.error.violation === 'negative_balance')).toBe(true);
      expect(await harness.ok('accountBalance', { account: 'campaign:cmp_race:escrow', currency: 'EUR' })).toBe(0);
    });
  });

  /**
   * Property: any sequence of ledger operations (collections, refunds, settlements with fees,
   * contest funding, prize releases, payouts' moves, and arbitrary or unbalanced entries),
   * run one by one or all at once, leaves every entry balanced, every escrow non-negative,
   * and the stored balances equal to the sum of the postings that were committed.
   */
  describe('property: random sequences of operations against the real database', () => {
    let runId = 0;

    it('keeps every entry balanced and every escrow non-negative', async () => {
      const started = Date.now();
      let operationsRun = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              // Collections weigh more, so that later withdrawals have money to draw on (or just not).
              op: fc.oneof(
                { arbitrary: fc.constant('collect'), weight: 4 },
                { arbitrary: fc.constantFrom('refund', 'settle', 'fundContest', 'releasePrize', 'arbitrary'), weight: 5 },
              ),
              campaign: fc.constantFrom('a', 'b'),
              profile: fc.constantFrom('p', 'q'),
              amount: fc.integer({ min: 1, max: 5_000 }),
              feeBps: fc.integer({ min: 0, max: 10_000 }),
              currency: fc.constantFrom('EUR', 'JPY'),
              skew: fc.integer({ min: -2, max: 2 }),
            }),
            { minLength: 1, maxLength: 40, size: 'max' },
          ),
          fc.boolean(),
          async (operations, concurrently) => {
            const run = `r${runId++}`;
            const escrow = (c: string) => `campaign:cmp_${run}${c}:escrow`;
            const contest = `contest:ctt_${run}:escrow`;
            const payable = (p: string) => `profile:prf_${run}${p}:payable`;
            const entries = operations.map(({ op, campaign, profile, amount, feeBps, currency, skew }, index) => {
              const reference = `${run}_${index}`;
              const p = (account: string, value: number) => ({ account, amount: value, currency });
              switch (op) {
                case 'collect':
                  return { kind: 'pledge.collected', reference, postings: [p('external:stripe', -amount), p(escrow(campaign), amount)] };
                case 'refund':
                  return { kind: 'pledge.refunded', reference, postings: [p(escrow(campaign), -amount), p('external:stripe', amount)] };
                case 'settle': {
                  const fee = Math.round((amount * feeBps) / 10_000);
                  const postings = [p(escrow(campaign), -amount)];
                  if (fee > 0) postings.push(p('platform:fees', fee));
                  if (amount - fee > 0) postings.push(p(payable(profile), amount - fee));
                  return { kind: 'campaign.settled', reference, postings };
                }
                case 'fundContest':
                  return { kind: 'contest.funded', reference, postings: [p(escrow(campaign), -amount), p(contest, amount)] };
                case 'releasePrize':
                  return { kind: 'contest.prize.released', reference, postings: [p(contest, -amount), p(payable(profile), amount)] };
                default:
                  // Balanced only when skew is 0 (and a zero posting when amount + skew is 0: refused too).
                  return { kind: 'test.arbitrary', reference, postings: [p(escrow(campaign), amount), p(payable(profile), -amount + skew)] };
              }
            });
            operationsRun += entries.length;
            const outcomes = await harness.ok(concurrently ? 'postJournalEntriesConcurrently' : 'postJournalEntriesInOrder', { entries });
            for (const [index, outcome] of outcomes.entries()) {
              if (!outcome.ok) expect(['negative_balance', 'unbalanced', 'invalid_entry']).toContain(outcome.error.violation);
              if (operations[index].op === 'arbitrary' && operations[index].skew !== 0) expect(outcome.ok).toBe(false);
            }
            // What was committed is exactly what was accepted.
            const committed = await app.sql(`SELECT reference FROM payments.journal_entries WHERE reference LIKE $1`, [`${run}\\_%`]);
            expect(committed.map((row) => row.reference).sort()).toEqual(
              entries.filter((_, index) => outcomes[index].ok).map((entry) => entry.reference).sort(),
            );
            if (!concurrently) {
              // One by one, the database agrees with the pure model of the rules.
              const model = new Map<string, number>();
              for (const [index, entry] of entries.entries()) {
                const next = new Map(model);
                let refused =
                  entry.postings.reduce((sum, posting) => sum + posting.amount, 0) !== 0 || entry.postings.some((posting) => posting.amount === 0);
                for (const posting of entry.postings) {
                  const key = `${posting.account} ${posting.currency}`;
                  next.set(key, (next.get(key) ?? 0) + posting.amount);
                  if (posting.account.endsWith(':escrow') && next.get(key)! < 0) refused = true;
                }
                expect(outcomes[index].ok).toBe(!refused);
                if (!refused) for (const [key, value] of next) model.set(key, value);
              }
            }
            await expectLedgerSound(app);
          },
        ),
        { numRuns: 100 },
      );
      const [{ entries }] = await app.sql(`SELECT count(*)::int AS entries FROM payments.journal_entries`);
      console.log(`ledger property: 100 runs, ${operationsRun} operations attempted, ${entries} entries committed, in ${Date.now() - started} ms`);
    });
  });
});
