import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { newId, normalizeCurrency } from '@foule/shared';
import { applyEntry, balanceChanges, balanceKey, checkEntry, LedgerError, type JournalEntryInput } from './ledger-rules';

export interface LedgerCheckResult {
  balanced: boolean;
  journalEntries: number;
  postings: number;
}

/**
 * The double-entry journal. It only appends, and only inside the caller's transaction, so a
 * money movement commits or rolls back with the state change it belongs to. The rules are
 * checked here (ledger-rules.ts) under row locks, and again by the database: a deferred
 * constraint trigger refuses an unbalanced entry at commit, a trigger keeps
 * account_balances in step with postings, a CHECK keeps escrow non-negative, and UPDATE and
 * DELETE of journal rows are refused.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends one balanced entry; returns its id. `alsoNonNegative` names accounts that this
   * entry must not overdraw besides escrow (a payout cannot take more than the payable holds).
   */
  async append(manager: EntityManager, entry: JournalEntryInput, options: { alsoNonNegative?: string[] } = {}): Promise<string> {
    const [entryId] = await this.appendMany(manager, [entry], options);
    return entryId;
  }

  /**
   * Appends several balanced entries, in order, as if appended one after the other (each is
   * checked against the balances the ones before it left), in four statements whatever their
   * number: a batch of settled pledges journals in one round of statements, not one per pledge.
   * Returns their ids in the entries' order.
   */
  async appendMany(manager: EntityManager, entries: readonly JournalEntryInput[], options: { alsoNonNegative?: string[] } = {}): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new LedgerError('invalid_entry', 'journal entries are appended inside the transaction of the change they record');
    }
    if (entries.length === 0) return [];
    for (const entry of entries) checkEntry(entry);
    // Lock every balance the entries touch, in one fixed order (currency, account), so two
    // appends over the same accounts queue instead of deadlocking, and read them under the lock.
    const touchedByKey = new Map<string, { account: string; currency: string }>();
    for (const entry of entries) {
      for (const [key, { account, currency }] of balanceChanges(entry.postings)) touchedByKey.set(key, { account, currency });
    }
    const touched = [...touchedByKey.values()].sort((a, b) =>
      a.currency === b.currency ? (a.account < b.account ? -1 : 1) : a.currency < b.currency ? -1 : 1,
    );
    const accounts = touched.map((item) => item.account);
    const currencies = touched.map((item) => item.currency);
    await manager.query(
      `INSERT INTO payments.account_balances (account, currency, balance)
       SELECT account, currency, 0 FROM unnest($1::text[], $2::text[]) AS touched(account, currency)
       ORDER BY currency, account
       ON CONFLICT DO NOTHING`,
      [accounts, currencies],
    );
    const rows = await manager.query<{ account: string; currency: string; balance: string }[]>(
      `SELECT b.account, b.currency, b.balance FROM payments.account_balances b
         JOIN unnest($1::text[], $2::text[]) AS touched(account, currency) ON b.account = touched.account AND b.currency = touched.currency
       ORDER BY b.currency, b.account
       FOR UPDATE OF b`,
      [accounts, currencies],
    );
    let current: ReadonlyMap<string, number> = new Map(rows.map((row) => [balanceKey(row.account, row.currency.trim()), Number(row.balance)]));
    const alsoNonNegative = new Set(options.alsoNonNegative ?? []);
    for (const entry of entries) current = applyEntry(current, entry, alsoNonNegative);

    const entryIds = entries.map(() => newId('journalEntry'));
    await manager.query(
      `INSERT INTO payments.journal_entries (id, kind, reference)
       SELECT id, kind, reference FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(id, kind, reference, n) ORDER BY n`,
      [entryIds, entries.map((entry) => entry.kind), entries.map((entry) => entry.reference)],
    );
    // The balances trigger applies each posting to account_balances as it is inserted, in the entries' order.
    const postings = entries.flatMap((entry, index) => entry.postings.map((posting) => ({ entryId: entryIds[index], ...posting })));
    await manager.query(
      `INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency)
       SELECT id, entry_id, account, amount, currency
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS p(id, entry_id, account, amount, currency, n)
        ORDER BY n`,
      [
        postings.map(() => newId('posting')),
        postings.map((posting) => posting.entryId),
        postings.map((posting) => posting.account),
        postings.map((posting) => posting.amount),
        postings.map((posting) => posting.currency),
      ],
    );
    return entryIds;
  }

  async balance(account: string, currency: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row] = await manager.query<{ balance: string }[]>(
      'SELECT balance FROM payments.account_balances WHERE account = $1 AND currency = $2',
      [account, currency],
    );
    return row ? Number(row.balance) : 0;
  }

  /** Every account's balance in one currency, by account name. */
  async balances(currencyInput: string): Promise<{ account: string; balance: number; currency: string }[]> {
    const currency = normalizeCurrency(currencyInput, 'currency');
    const rows = await this.dataSource.query<{ account: string; balance: string }[]>(
      'SELECT account, balance FROM payments.account_balances WHERE currency = $1 ORDER BY account',
      [currency],
    );
    return rows.map((row) => ({ account: row.account, balance: Number(row.balance), currency }));
  }

  /** Whether every entry sums to zero per currency, with the journal's size. */
  async check(): Promise<LedgerCheckResult> {
    const [row] = await this.dataSource.query<{ balanced: boolean; journal_entries: string; postings: string }[]>(
      `SELECT NOT EXISTS (
                SELECT 1 FROM payments.postings GROUP BY journal_entry_id, currency HAVING sum(amount) <> 0
              ) AS balanced,
              (SELECT count(*) FROM payments.journal_entries) AS journal_entries,
              (SELECT count(*) FROM payments.postings) AS postings`,
    );
    return { balanced: row.balanced, journalEntries: Number(row.journal_entries), postings: Number(row.postings) };
  }
}
