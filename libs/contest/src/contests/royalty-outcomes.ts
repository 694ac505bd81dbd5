/**
 * What funding asks of contest at each payout of a campaign (FundingFacade.registerRoyaltyOutcomes):
 * whether each royalty contest has a winner (WON, with the winning entry's designer), never will
 * (VOID: canceled, or completed by splitting the prize among finalists) or not yet (PENDING).
 * Read in the payout's transaction, without locking contests: a contest completing meanwhile
 * runs the payout job again when it commits.
 */
import type { EntityManager } from 'typeorm';
import type { RoyaltyOutcome } from '@foule/funding';

export async function royaltyOutcomes(manager: EntityManager, contestIds: readonly string[]): Promise<Map<string, { outcome: RoyaltyOutcome; winnerId: string | null }>> {
  const rows = await manager.query<{ id: string; status: string; designer_id: string | null }[]>(
    `SELECT c.id, c.status, e.designer_id FROM contest.contests c LEFT JOIN contest.entries e ON e.id = c.winner_entry_id WHERE c.id = ANY($1)`,
    [[...contestIds]],
  );
  const outcomes = new Map<string, { outcome: RoyaltyOutcome; winnerId: string | null }>();
  for (const row of rows) {
    if (row.status === 'COMPLETED' && row.designer_id) outcomes.set(row.id, { outcome: 'WON', winnerId: row.designer_id });
    else if (row.status === 'COMPLETED' || row.status === 'CANCELED') outcomes.set(row.id, { outcome: 'VOID', winnerId: null });
    else outcomes.set(row.id, { outcome: 'PENDING', winnerId: null });
  }
  return outcomes;
}
