import { updateReturning } from './transaction';

describe('updateReturning', () => {
  // What TypeORM's PostgresQueryRunner.query answers for UPDATE/DELETE: [rows, rowCount].
  const runner = (rows: unknown[]) => ({ query: async () => [rows, rows.length] }) as never;

  it('returns the rows, empty when the condition matched nothing', async () => {
    expect(await updateReturning(runner([{ id: 'pld_1' }]), 'UPDATE t SET a = 1 WHERE id = $1 RETURNING id', ['pld_1'])).toEqual([{ id: 'pld_1' }]);
    const none = await updateReturning(runner([]), 'UPDATE t SET a = 1 WHERE false RETURNING id', []);
    expect(none).toEqual([]);
    expect(none[0]).toBeUndefined();
  });

  it('refuses other statements and other answers', async () => {
    await expect(updateReturning(runner([]), 'SELECT 1', [])).rejects.toThrow(/UPDATE and DELETE/);
    await expect(updateReturning({ query: async () => [{ id: 1 }] } as never, 'UPDATE t SET a = 1 RETURNING id', [])).rejects.toThrow(/rowCount/);
  });
});
