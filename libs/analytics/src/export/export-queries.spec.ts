import { exportCopySql, formulaSafeSql } from './export-queries';

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
});
