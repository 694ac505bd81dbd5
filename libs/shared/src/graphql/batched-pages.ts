/**
 * Relay pages of children for many parents at once (a contest's entries, a campaign's
 * updates or pledges, a profile's campaigns, contests or entries), so a list of parents costs a constant number of statements: one
 * ranked query for the page ids of every parent, one to load those rows, one grouped count.
 * Keyset on id, newest first, as paginateById pages a single list.
 */
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { decodeCursor, pageSize, toConnection, type ConnectionShape, type PageArgs } from './connection';

export interface ChildTable {
  /** FROM clause whose child rows are aliased t (joins allowed), e.g. `contest.entries t JOIN contest.contests c ON c.id = t.contest_id`. */
  from: string;
  /** The column naming the parent, e.g. t.contest_id. */
  parentColumn: string;
  /** Extra SQL condition, with parameters from $3 on. */
  where?: string;
  params?: unknown[];
}

export async function pagesByParent<E extends ObjectLiteral & { id: string }>(
  dataSource: DataSource,
  entity: EntityTarget<E>,
  source: ChildTable,
  parentIds: readonly string[],
  args: PageArgs,
  parentOf: (row: E) => string,
): Promise<ConnectionShape<E>[]> {
  const size = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after) : null;
  const extra = source.where ? `AND (${source.where})` : '';
  const params = source.params ?? [];
  const ids = [...parentIds];
  const [ranked, counts] = await Promise.all([
    dataSource.query<{ id: string }[]>(
      `SELECT id FROM (
         SELECT t.id, row_number() OVER (PARTITION BY ${source.parentColumn} ORDER BY t.id DESC) AS rank
           FROM ${source.from}
          WHERE ${source.parentColumn} = ANY($1) AND ($2::text IS NULL OR t.id < $2) ${extra}
       ) ranked WHERE rank <= ${size + 1}`,
      [ids, after, ...params],
    ),
    dataSource.query<{ parent: string; count: string }[]>(
      `SELECT ${source.parentColumn} AS parent, count(*) AS count FROM ${source.from}
        WHERE ${source.parentColumn} = ANY($1) AND $2::text IS NULL ${extra} GROUP BY 1`,
      [ids, null, ...params],
    ),
  ]);
  const rows = ranked.length ? await dataSource.getRepository(entity).findBy({ id: In(ranked.map((row) => row.id)) } as never) : [];
  rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const totals = new Map(counts.map((row) => [row.parent, Number(row.count)]));
  return ids.map((parentId) => toConnection(rows.filter((row) => parentOf(row) === parentId), size, args, totals.get(parentId) ?? 0, (row) => row.id));
}
