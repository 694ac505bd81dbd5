/**
 * Relay connections with opaque keyset cursors. Our ids sort by creation time, so a page is
 * "rows whose id is past the cursor, ordered by id": stable under inserts, index-friendly,
 * and a constant two statements (page + count) whatever the page number.
 */
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, type PageArgs } from './cursor';

export { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize, type PageArgs } from './cursor';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field() hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** Or the count on its way: paginateById counts only when the field is read (see there). */
  totalCount: number | Promise<number>;
}

/** Builds `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function Connection<T>(nodeType: Type<T>, name: string = nodeType.name): Type<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor: string;
    @Field(() => nodeType) node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType]) edges: EdgeType[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int) totalCount: number;
  }
  return ConnectionType;
}

/** Turns `size + 1` fetched rows into a connection; the extra row only tells that there is more. */
export function toConnection<Row, T>(
  rows: Row[],
  size: number,
  args: PageArgs,
  totalCount: ConnectionShape<T>['totalCount'],
  keyOf: (row: Row) => string,
  toNode: (row: Row) => T = (row) => row as unknown as T,
): ConnectionShape<T> {
  const page = rows.slice(0, size);
  const edges = page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: toNode(row) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/**
 * Pages a TypeORM query by `<alias>.id`, newest first by default. The count runs on a copy
 * of the same filtered query, without the cursor, and only if the request asks for
 * `totalCount` (once, however many times it is asked).
 */
export async function paginateById<E extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<E>,
  args: PageArgs,
  options: { order?: 'ASC' | 'DESC'; defaultFirst?: number } = {},
): Promise<ConnectionShape<E>> {
  const order = options.order ?? 'DESC';
  const size = pageSize(args.first, options.defaultFirst);
  const alias = query.alias;
  const countQuery = query.clone();
  const pageQuery = query.clone();
  if (args.after) {
    pageQuery.andWhere(`${alias}.id ${order === 'DESC' ? '<' : '>'} :__after`, { __after: decodeCursor(args.after) });
  }
  const rows = await pageQuery.orderBy(`${alias}.id`, order).limit(size + 1).getMany();
  const connection = toConnection<E, E>(rows, size, args, 0, (row) => row.id);
  // A getter, read by GraphQL only when the request selects totalCount: no COUNT otherwise.
  let counted: Promise<number> | undefined;
  Object.defineProperty(connection, 'totalCount', { enumerable: true, get: () => (counted ??= countQuery.getCount()) });
  return connection;
}
