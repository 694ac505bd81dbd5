/**
 * CrowdStats are counted by the modules that own the facts (funding counts campaigns and
 * backings, contest counts entries and wins). Each registers a contributor through the
 * CommunityFacade; community adds up what they report, and never reads their tables.
 */
import { Injectable } from '@nestjs/common';
import type { Money } from '@foule/shared';

export interface CrowdStats {
  campaignsCreated: number;
  campaignsBacked: number;
  contestsHeld: number;
  entriesSubmitted: number;
  contestsWon: number;
  prizeMoneyWon: Money[];
  /** Royalties paid to the profile as the winner of campaign-linked contests, one per currency (payments reports them). */
  royaltiesEarned: Money[];
}

/** For a batch of profile ids, the stats this module knows about (missing ids count as nothing). */
export type CrowdStatsContributor = (profileIds: readonly string[]) => Promise<Map<string, Partial<CrowdStats>>>;

export const emptyCrowdStats = (): CrowdStats => ({
  campaignsCreated: 0,
  campaignsBacked: 0,
  contestsHeld: 0,
  entriesSubmitted: 0,
  contestsWon: 0,
  prizeMoneyWon: [],
  royaltiesEarned: [],
});

/** Money from several contributors, one per currency (summed), in currency order. */
export function perCurrency(amounts: readonly Money[]): Money[] {
  const sums = new Map<string, number>();
  for (const money of amounts) sums.set(money.currency, (sums.get(money.currency) ?? 0) + money.amount);
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, amount]) => ({ amount, currency }));
}

@Injectable()
export class CrowdStatsRegistry {
  private readonly contributors: CrowdStatsContributor[] = [];

  register(contributor: CrowdStatsContributor): void {
    this.contributors.push(contributor);
  }

  async statsFor(profileIds: readonly string[]): Promise<CrowdStats[]> {
    const parts = await Promise.all(this.contributors.map((contributor) => contributor(profileIds)));
    return profileIds.map((id) => {
      const stats = emptyCrowdStats();
      for (const part of parts) {
        const found = part.get(id);
        if (!found) continue;
        stats.campaignsCreated += found.campaignsCreated ?? 0;
        stats.campaignsBacked += found.campaignsBacked ?? 0;
        stats.contestsHeld += found.contestsHeld ?? 0;
        stats.entriesSubmitted += found.entriesSubmitted ?? 0;
        stats.contestsWon += found.contestsWon ?? 0;
        stats.prizeMoneyWon.push(...(found.prizeMoneyWon ?? []));
        stats.royaltiesEarned.push(...(found.royaltiesEarned ?? []));
      }
      return { ...stats, prizeMoneyWon: perCurrency(stats.prizeMoneyWon), royaltiesEarned: perCurrency(stats.royaltiesEarned) };
    });
  }
}
