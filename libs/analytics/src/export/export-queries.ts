/**
 * The SQL of each CSV export, over the analytics views only, as a `COPY (...) TO STDOUT` in CSV
 * format: PostgreSQL writes the file itself (RFC 4180 quoting of commas, quotes and line
 * breaks), far faster than turning each row into a JavaScript object and back into text. The
 * cells are made in SQL: instants as ISO-8601 UTC with milliseconds, amounts as integers, and
 * text that a spreadsheet would read as a formula escaped with a leading single quote.
 *
 * One row per money movement (analytics.money_movements: a journal entry per currency), oldest
 * first, so a pledge paid over time has a row per payment and every future kind of movement
 * (royalties...) appears in ledger.csv without a change here.
 *
 * Pure and Nest-free.
 */

export const EXPORT_NAMES = ['pledges', 'contests', 'ledger'] as const;
export type ExportName = (typeof EXPORT_NAMES)[number];

export function isExportName(name: string): name is ExportName {
  return (EXPORT_NAMES as readonly string[]).includes(name);
}

/**
 * How a column is written: text a person typed (formula-escaped), an identifier the platform
 * made (ids, references, kinds, currency codes: `prf_01J...`, `pld_01J...:increment:2`,
 * `pledge.collected`, `EUR`, which never start with a formula character: written as they are,
 * not tested cell by cell), an instant, or an integer amount.
 */
type CellKind = 'text' | 'identifier' | 'instant' | 'amount';

/**
 * Text cells starting with =, +, -, @, a tab or a carriage return (as OWASP lists) get a leading
 * single quote, so a campaign titled "=HYPERLINK(...)" stays text. ascii() (the first character's
 * code) rather than a regular expression or left(): an integer test, run on every text cell of
 * a million rows without making a string.
 */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'].map((char) => char.charCodeAt(0)).join(', ');

export function formulaSafeSql(expression: string): string {
  return `CASE WHEN ascii(${expression}) IN (${FORMULA_STARTS}) THEN '''' || ${expression} ELSE ${expression} END`;
}

/** As Date.prototype.toISOString: 2025-03-05T10:00:00.000Z. */
export function isoInstantSql(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

function cell(name: string, expression: string, kind: CellKind): string {
  const made = kind === 'text' ? formulaSafeSql(expression) : kind === 'instant' ? isoInstantSql(expression) : expression;
  return `${made} AS ${name}`;
}

/** A timestamptz literal: COPY takes no parameters, and toISOString() only ever writes digits, dashes, colons, dots, T and Z. */
function instantLiteral(at: Date): string {
  return `'${at.toISOString()}'::timestamptz`;
}

const MOVEMENT = [cell('movement_id', 'm.movement_id', 'identifier'), cell('effective_at', 'm.effective_at', 'instant'), cell('kind', 'm.kind', 'identifier')];
const AMOUNTS = [cell('currency', 'm.currency', 'identifier'), cell('gross', 'm.gross', 'amount'), cell('fees', 'm.fees', 'amount'), cell('net', 'm.net', 'amount')];

/**
 * What the export's transaction sets for itself (SET LOCAL, so nothing outlives the export).
 * Memory for its joins and sort to stay in memory (the default 4 MB spills a million movements to
 * disk). And for pledges.csv, no sort: movements_pledges_export_idx holds the pledge movements in
 * the export's order with every column it writes, so an index-only scan with memoized lookups of
 * titles and handles streams the first row at once, while PostgreSQL's estimates prefer a hash
 * join and a sort of every row before the first byte, which the api then waits for.
 */
export function exportSettingsSql(name: ExportName): string[] {
  const settings = [`SET LOCAL work_mem = '128MB'`];
  if (name === 'pledges') settings.push(`SET LOCAL enable_sort = off`);
  return settings;
}

/** The export as one COPY statement, its window's bounds inlined as literals. */
export function exportCopySql(name: ExportName, window: { from: Date | null; to: Date | null }): string {
  const conditions: string[] = [];
  if (window.from) conditions.push(`m.effective_at >= ${instantLiteral(window.from)}`);
  if (window.to) conditions.push(`m.effective_at < ${instantLiteral(window.to)}`);
  let select: string;
  switch (name) {
    case 'pledges':
      conditions.push(`m.kind LIKE 'pledge.%'`);
      select = `SELECT ${[
        ...MOVEMENT,
        cell('pledge_id', 'm.pledge_id', 'identifier'),
        cell('campaign_id', 'm.campaign_id', 'identifier'),
        cell('campaign_title', 'c.title', 'text'),
        cell('backer_id', 'm.backer_id', 'identifier'),
        cell('backer_handle', 'b.handle', 'text'),
        ...AMOUNTS,
      ].join(', ')}
          FROM analytics.money_movements m
          LEFT JOIN analytics.campaigns c ON c.id = m.campaign_id
          LEFT JOIN analytics.profiles b ON b.id = m.backer_id`;
      break;
    case 'contests':
      conditions.push(`m.kind LIKE 'contest.%'`);
      select = `SELECT ${[
        ...MOVEMENT,
        cell('contest_id', 'k.id', 'identifier'),
        cell('contest_title', 'k.title', 'text'),
        cell('holder_id', 'k.holder_id', 'identifier'),
        ...AMOUNTS,
      ].join(', ')}
          FROM analytics.money_movements m
          LEFT JOIN analytics.contests k ON k.id = m.reference`;
      break;
    case 'ledger':
      select = `SELECT ${[...MOVEMENT, cell('reference', 'm.reference', 'identifier'), ...AMOUNTS].join(', ')}
          FROM analytics.money_movements m`;
      break;
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return `COPY (${select} ${where} ORDER BY m.effective_at, m.movement_id) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}
