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

/** How a column is written: text (formula-escaped), an instant, or an integer amount. */
type CellKind = 'text' | 'instant' | 'amount';

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

const MOVEMENT = [cell('movement_id', 'm.movement_id', 'text'), cell('effective_at', 'm.effective_at', 'instant'), cell('kind', 'm.kind', 'text')];
const AMOUNTS = [cell('currency', 'm.currency', 'text'), cell('gross', 'm.gross', 'amount'), cell('fees', 'm.fees', 'amount'), cell('net', 'm.net', 'amount')];

/** The export as one COPY statement, its window's bounds inlined as literals. */
export function exportCopySql(name: ExportName, window: { from: Date | null; to: Date | null }): string {
  const conditions: string[] = [];
  if (window.from) conditions.push(`m.effective_at >= ${instantLiteral(window.from)}`);
  if (window.to) conditions.push(`m.effective_at < ${instantLiteral(window.to)}`);
  let select: string;
  switch (name) {
    case 'pledges':
      conditions.push(`(m.kind LIKE 'pledge.%' OR m.kind LIKE 'increment.%')`);
      select = `SELECT ${[
        ...MOVEMENT,
        cell('pledge_id', 'p.id', 'text'),
        cell('campaign_id', 'p.campaign_id', 'text'),
        cell('campaign_title', 'c.title', 'text'),
        cell('backer_id', 'p.backer_id', 'text'),
        cell('backer_handle', 'b.handle', 'text'),
        ...AMOUNTS,
      ].join(', ')}
          FROM analytics.money_movements m
          LEFT JOIN analytics.pledges p ON p.id = m.reference
          LEFT JOIN analytics.campaigns c ON c.id = p.campaign_id
          LEFT JOIN analytics.profiles b ON b.id = p.backer_id`;
      break;
    case 'contests':
      conditions.push(`m.kind LIKE 'contest.%'`);
      select = `SELECT ${[
        ...MOVEMENT,
        cell('contest_id', 'k.id', 'text'),
        cell('contest_title', 'k.title', 'text'),
        cell('holder_id', 'k.holder_id', 'text'),
        ...AMOUNTS,
      ].join(', ')}
          FROM analytics.money_movements m
          LEFT JOIN analytics.contests k ON k.id = m.reference`;
      break;
    case 'ledger':
      select = `SELECT ${[...MOVEMENT, cell('reference', 'm.reference', 'text'), ...AMOUNTS].join(', ')}
          FROM analytics.money_movements m`;
      break;
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return `COPY (${select} ${where} ORDER BY m.effective_at, m.movement_id) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}
