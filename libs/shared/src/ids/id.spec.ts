import { decodeTime } from 'ulid';
import { idKind, newId, newIdAt } from './id';

const timeOf = (id: string) => decodeTime(id.slice(4));
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('newIdAt', () => {
  it("makes an id of its kind at the earlier id's time, sorting before ids made in between", async () => {
    const fact = newId('outbox');
    await later();
    const between = newId('notification');
    await later();
    const delivered = newIdAt('notification', fact);
    expect(idKind(delivered)).toBe('notification');
    expect(timeOf(delivered)).toBe(timeOf(fact));
    expect([between, delivered].sort()).toEqual([delivered, between]);
  });

  it('sorts two deliveries by their facts, whatever order they run in', async () => {
    const first = newId('outbox');
    await later();
    const second = newId('outbox');
    const ofSecond = newIdAt('notification', second);
    const ofFirst = newIdAt('notification', first);
    expect([ofSecond, ofFirst].sort()).toEqual([ofFirst, ofSecond]);
  });

  it('makes distinct ids for one fact, and refuses what is not one of our ids', () => {
    const fact = newId('outbox');
    expect(new Set(Array.from({ length: 1000 }, () => newIdAt('notification', fact))).size).toBe(1000);
    for (const bad of ['', 'obx_', 'obx_not-a-ulid', '01M8SWVZ3VE1Z3R0TPA8C8RZ9G']) expect(() => newIdAt('notification', bad)).toThrow(/not one of our ids/);
  });
});
