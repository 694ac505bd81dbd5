import { exportCopySql, exportSettingsSql, formulaSafeSql } from './export-queries';

describe('export SQL', () => {
  it('escapes a cell starting with =, +, -, @, a tab or a carriage return, by their character codes', () => {
    expect(formulaSafeSql('c.title')).toBe(`CASE WHEN ascii(c.title) IN (61, 43, 45, 64, 9, 13) THEN '''' || c.title ELSE c.title END`);
  });

  it('inlines the window as ISO-8601 literals (COPY takes no parameters) and orders by effective date', () => {
    const sql = exportCopySql('ledger', { from: new Date('2025-03-20T00:00:00Z'), to: null });
    expect(sql).toMatch(/^COPY \(SELECT /);
    expect(sql).toContain(`WHERE m.effective_at >= '2025-03-20T00:00:00.000Z'::timestamptz ORDER BY m.effective_at, m.movement_id`);
    expect(sql).toMatch(/\) TO STDOUT WITH \(FORMAT csv, HEADER true\)$/);
  });

  it('escapes the text people typed (titles, handles) and writes the identifiers the platform made as they are', () => {
    const sql = exportCopySql('pledges', { from: null, to: null });
    expect(sql).toContain(`${formulaSafeSql('c.title')} AS campaign_title`);
    expect(sql).toContain(`${formulaSafeSql('b.handle')} AS backer_handle`);
    expect(sql).toContain('m.movement_id AS movement_id');
    expect(sql).toContain('m.backer_id AS backer_id');
    expect(sql).not.toContain('ascii(m.');
  });

  it('streams pledges.csv in the index order, without a sort, and lets the planner sort the others', () => {
    expect(exportSettingsSql('pledges')).toContain('SET LOCAL enable_sort = off');
    expect(exportSettingsSql('ledger')).not.toContain('SET LOCAL enable_sort = off');
    expect(exportSettingsSql('contests')).not.toContain('SET LOCAL enable_sort = off');
  });
});
