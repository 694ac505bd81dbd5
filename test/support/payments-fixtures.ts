/** Helpers for the payments e2e tests: waiting on jobs, ledger invariants, profiles with roles. */
import { signUp, type SignedUpProfile } from './fixtures';
import type { TestApp } from './test-app';

/** Polls until `check` returns a truthy value (jobs run asynchronously), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, what = 'the condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Polls `check` until it holds or `timeoutMs` passes; whether it held (for an attempt that may be retried). */
export async function holdsWithin(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

export async function signUpWithRole(app: TestApp, role: 'ANALYST' | 'ADMIN'): Promise<SignedUpProfile> {
  const profile = await signUp(app);
  await app.sql(`UPDATE community.profiles SET roles = $2 WHERE id = $1`, [profile.id, ['MEMBER', role]]);
  return profile;
}

/**
 * The ledger invariants every money test ends with, checked in SQL against the database
 * itself: every entry balances per currency and has two or more postings, no escrow is
 * negative, and every stored balance equals the sum of its postings.
 */
export async function expectLedgerSound(app: TestApp): Promise<void> {
  const unbalanced = await app.sql(
    `SELECT journal_entry_id, currency, sum(amount) AS total FROM payments.postings GROUP BY journal_entry_id, currency HAVING sum(amount) <> 0`,
  );
  expect(unbalanced).toEqual([]);
  const thin = await app.sql(
    `SELECT e.id FROM payments.journal_entries e LEFT JOIN payments.postings p ON p.journal_entry_id = e.id GROUP BY e.id HAVING count(p.id) < 2`,
  );
  expect(thin).toEqual([]);
  const negativeEscrow = await app.sql(`SELECT account, balance FROM payments.account_balances WHERE account ~ ':escrow$' AND balance < 0`);
  expect(negativeEscrow).toEqual([]);
  const drift = await app.sql(
    `SELECT b.account, b.currency, b.balance, coalesce(s.total, 0) AS total
       FROM payments.account_balances b
       LEFT JOIN (SELECT account, currency, sum(amount) AS total FROM payments.postings GROUP BY account, currency) s
         ON s.account = b.account AND s.currency = b.currency
      WHERE b.balance <> coalesce(s.total, 0)`,
  );
  expect(drift).toEqual([]);
}

/** A balanced entry moving `amount` from one account to another. */
export function move(kind: string, reference: string, from: string, to: string, amount: number, currency = 'EUR') {
  return {
    kind,
    reference,
    postings: [
      { account: from, amount: -amount, currency },
      { account: to, amount, currency },
    ],
  };
}
