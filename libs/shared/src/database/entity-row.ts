/**
 * Every column of an entity selected under a prefix, and the rows read back into the entity,
 * for a hot read written as plain SQL: TypeORM's query builder builds the same SELECT and
 * hydrates the same way, but rebuilds the SQL and walks its generic join machinery on every
 * call. The columns and their conversions (`prepareHydratedValue`: the driver's parsing and
 * the column's transformer, e.g. bigintAsNumber) are TypeORM's own, from the entity's metadata,
 * so a column added to the entity is read here too.
 */
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

export interface EntityRow<T> {
  /** `alias."column" AS "prefix_property", ...` for every column of the entity. */
  readonly select: string;
  /** The entity from a row of that SELECT; null when its primary key is null (an outer join that matched nothing). */
  read(row: Record<string, unknown>): T | null;
}

export function entityRow<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, alias: string, prefix: string): EntityRow<T> {
  const metadata = dataSource.getMetadata(target);
  const columns: { column: ColumnMetadata; key: string }[] = metadata.columns
    // What the query builder selects by default: no `select: false` column, no virtual ones.
    .filter((column) => column.isSelect && !column.isVirtual && !column.isVirtualProperty)
    .map((column) => ({ column, key: `${prefix}_${column.propertyPath}` }));
  const primary = columns.filter(({ column }) => column.isPrimary);
  return {
    select: columns.map(({ column, key }) => `${alias}."${column.databaseName}" AS "${key}"`).join(', '),
    read(row) {
      if (primary.some(({ key }) => row[key] === null || row[key] === undefined)) return null;
      const entity = metadata.create() as T;
      for (const { column, key } of columns) column.setEntityValue(entity, dataSource.driver.prepareHydratedValue(row[key], column));
      return entity;
    },
  };
}
