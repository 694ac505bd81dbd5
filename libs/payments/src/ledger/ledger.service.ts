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
    if (!manager.queryRunner?.isTransactionActive) {
      throw new LedgerError('invalid_entry', 'journal entries are appended inside the transaction of the change they record');
    }
    checkEntry(entry);
    // Lock every balance the entry touches, in one fixed order (currency, account), so two
    // entries over the same accounts queue instead of deadlocking, and read them under the lock.
    const touched = [...balanceChanges(entry.postings).values()].sort((a, b) =>
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
    const current = new Map(rows.map((row) => [balanceKey(row.account, row.currency.trim()), Number(row.balance)]));
    applyEntry(current, entry, new Set(options.alsoNonNegative ?? []));

    const entryId = newId('journalEntry');
    await manager.query('INSERT INTO payments.journal_entries (id, kind, reference) VALUES ($1, $2, $3)', [entryId, entry.kind, entry.reference]);
    // The balances trigger applies each posting to account_balances as it is inserted.
    await manager.query(
      `INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency)
       SELECT id, $1, account, amount, currency FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS p(id, account, amount, currency)`,
      [
        entryId,
        entry.postings.map(() => newId('posting')),
        entry.postings.map((posting) => posting.account),
        entry.postings.map((posting) => posting.amount),
        entry.postings.map((posting) => posting.currency),
      ],
    );
    return entryId;
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
