/**
 * The database's own copies of the pledge status sets (written in the migration, which must
 * never change once run) are the machine's: the partial unique index that keeps one live
 * pledge per backer, and the CHECK on status.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LIVE_PLEDGE_STATUSES, PLEDGE_STATUSES } from './pledge-status.machine';

const migrations = path.join(__dirname, '../migrations');
const sql = readdirSync(migrations)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
  .map((file) => readFileSync(path.join(migrations, file), 'utf8'))
  .join('\n');

/** The quoted values of the `"status" IN (...)` list that follows `anchor` in the migrations. */
function statusListAfter(anchor: RegExp): string[] {
  const match = new RegExp(`${anchor.source}[^\`]*?"status" IN \\(([^)]*)\\)`).exec(sql);
  if (!match) throw new Error(`no "status" IN (...) after ${anchor.source} in ${migrations}`);
  return [...match[1].matchAll(/'([A-Z_]+)'/g)].map((value) => value[1]);
}

describe('pledge statuses in the schema', () => {
  it("the one-live-pledge-per-backer index's predicate is the machine's live set", () => {
    const predicate = statusListAfter(/CREATE UNIQUE INDEX "pledges_one_live_per_backer"/);
    expect([...predicate].sort()).toEqual([...LIVE_PLEDGE_STATUSES].sort());
  });

  it("the status CHECK allows exactly the machine's states", () => {
    const allowed = statusListAfter(/CONSTRAINT "pledges_status_check" CHECK/);
    expect([...allowed].sort()).toEqual([...PLEDGE_STATUSES].sort());
  });
});
