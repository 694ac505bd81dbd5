/**
 * Payments owns every money entry: product code elsewhere (apps, other libs) asks the
 * PaymentsFacade for a named movement and never names a ledger account or writes postings.
 * The one exception is analytics' migrations: its read-only views (the analysts' SQL surface,
 * granted SELECT only) read postings by account to split gross from fees; they write none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../../..');
const ACCOUNT_OR_POSTING =
  /external:stripe|platform:fees|\w+:(\$\{[^}]+\}|<\w+>|\w+):(escrow|payable)\b|LedgerAccounts|postings\s*:/;

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'testing' ? [] : productFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

describe('ledger ownership', () => {
  it('no product file outside libs/payments names a ledger account or builds postings', () => {
    const owners = [path.join(root, 'apps'), ...readdirSync(path.join(root, 'libs')).map((lib) => path.join(root, 'libs', lib))];
    const offenders = owners
      .filter((dir) => path.basename(dir) !== 'payments')
      .flatMap(productFiles)
      .filter((file) => !file.startsWith(path.join(root, 'libs', 'analytics', 'src', 'migrations') + path.sep))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ line, at: `${path.relative(root, file)}:${index + 1}` }))
          .filter(({ line }) => ACCOUNT_OR_POSTING.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });

  it('recognises what it looks for', () => {
    for (const line of ['`campaign:${id}:escrow`', "account: 'external:stripe'", 'profile:<id>:payable', 'postings: []'])
      expect(ACCOUNT_OR_POSTING.test(line)).toBe(true);
  });
});
