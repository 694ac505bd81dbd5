/**
 * The rules a journal entry must follow before it is appended, as pure functions: the
 * LedgerService applies them under row locks, the database enforces the same ones again
 * (a deferred constraint trigger for balance, a CHECK for escrow), and unit tests run them
 * against random sequences of operations.
 *
 * Pure and Nest-free.
 */
import { isLedgerAccount, mustStayNonNegative } from './ledger-accounts';

export interface JournalPosting {
  account: string;
  /** Signed minor units: + into the account, - out of it. */
  amount: number;
  /** ISO-4217, upper case. */
  currency: string;
}

export interface JournalEntryInput {
  /** What happened, e.g. 'pledge.collected', 'payout.paid'. */
  kind: string;
  /** Our id of the subject, e.g. the pledge id. */
  reference: string;
  postings: JournalPosting[];
}

export type LedgerViolation = 'invalid_entry' | 'unbalanced' | 'negative_balance';

/** A journal entry that breaks a ledger rule: a bug in the caller, never a user error. */
export class LedgerError extends Error {
  constructor(
    readonly violation: LedgerViolation,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** Key of one balance: an account in one currency. */
export function balanceKey(account: string, currency: string): string {
  return `${currency} ${account}`;
}

/** Checks an entry's shape and that it sums to zero per currency; throws a LedgerError. */
export function checkEntry(entry: JournalEntryInput): void {
  if (!/^[a-z][a-z0-9_.-]{0,99}$/.test(entry.kind)) throw new LedgerError('invalid_entry', `kind "${entry.kind}" must be like pledge.collected`);
  if (!entry.reference || entry.reference.length > 200) throw new LedgerError('invalid_entry', 'reference must be 1 to 200 characters');
  if (!Array.isArray(entry.postings) || entry.postings.length < 2) {
    throw new LedgerError('invalid_entry', `a journal entry needs at least two postings (${entry.kind} ${entry.reference})`);
  }
  const sums = new Map<string, bigint>();
  for (const posting of entry.postings) {
    if (!isLedgerAccount(posting.account)) throw new LedgerError('invalid_entry', `"${posting.account}" is not a ledger account`);
    if (!/^[A-Z]{3}$/.test(posting.currency)) throw new LedgerError('invalid_entry', `"${posting.currency}" is not an upper-case ISO-4217 code`);
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0) {
      throw new LedgerError('invalid_entry', `posting amounts are non-zero safe integers of minor units (${posting.account}: ${posting.amount})`);
    }
    sums.set(posting.currency, (sums.get(posting.currency) ?? 0n) + BigInt(posting.amount));
  }
  const unbalanced = [...sums].filter(([, sum]) => sum !== 0n);
  if (unbalanced.length > 0) {
    const detail = unbalanced.map(([currency, sum]) => `${currency} ${sum}`).join(', ');
    throw new LedgerError('unbalanced', `journal entry ${entry.kind} ${entry.reference} does not balance: it sums to ${detail}`);
  }
}

/** The net change an entry makes to each balance it touches. */
export function balanceChanges(postings: readonly JournalPosting[]): Map<string, { account: string; currency: string; change: number }> {
  const changes = new Map<string, { account: string; currency: string; change: number }>();
  for (const { account, currency, amount } of postings) {
    const key = balanceKey(account, currency);
    const current = changes.get(key);
    if (current) current.change += amount;
    else changes.set(key, { account, currency, change: amount });
  }
  return changes;
}

/**
 * The balances after the entry, given the current balances of the accounts it touches
 * (missing = 0). Throws when an account that must stay non-negative (escrow, and any account
 * in `alsoNonNegative` for this entry) would go below zero.
 */
export function applyEntry(
  current: ReadonlyMap<string, number>,
  entry: JournalEntryInput,
  alsoNonNegative: ReadonlySet<string> = new Set(),
): Map<string, number> {
  checkEntry(entry);
  const next = new Map(current);
  for (const [key, { account, currency, change }] of balanceChanges(entry.postings)) {
    const balance = (current.get(key) ?? 0) + change;
    if (!Number.isSafeInteger(balance)) throw new LedgerError('invalid_entry', `the balance of ${account} would leave the safe integers`);
    if (balance < 0 && change < 0 && (mustStayNonNegative(account) || alsoNonNegative.has(account))) {
      throw new LedgerError(
        'negative_balance',
        `${account} holds ${current.get(key) ?? 0} ${currency}; ${entry.kind} ${entry.reference} would take ${-change} out of it`,
      );
    }
    next.set(key, balance);
  }
  return next;
}
