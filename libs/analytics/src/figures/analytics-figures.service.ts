/**
 * The analysts' figures, read from the `analytics` schema only (its views and its rollups),
 * never from a module's tables. Whole hours and days come from the rollups; the partial units
 * at a window's edges from the source rows (see time-window.ts), so the figures are exact.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Money } from '@foule/shared';
import { MoneyByCurrency } from './money-by-currency';
import { bucketStarts, ratio, splitWindow, type BoundedWindow, type TimeUnit, type TimeWindow } from './time-window';

/** Ledger kinds that are a backer's money coming in or going back (increments and late pledges included). */
const COLLECTION_KINDS = `(kind LIKE 'pledge.%' OR kind LIKE 'increment.%')`;
/** Ledger kinds that pay a prize out of a contest's escrow to designers. */
const PRIZE_KINDS = `(kind IN ('contest.prize_awarded', 'contest.prize_split'))`;

export interface Overview {
  campaignsLaunched: number;
  campaignsSuccessful: number;
  campaignsFailed: number;
  successRate: number;
  pledgedVolume: Money[];
  collectedVolume: Money[];
  platformFees: Money[];
  contestsOpened: number;
  contestsCompleted: number;
  entriesSubmitted: number;
  averageEntriesPerContest: number;
  prizeVolume: Money[];
  activeProfiles: number;
}

export interface TimelinePoint {
  bucket: Date;
  pledgesCount: number;
  newBackers: number;
  pledged: Money[];
}

export interface CrowdOverlap {
  backers: number;
  designers: number;
  creators: number;
  backersWhoDesign: number;
  creatorsRunningBoth: number;
}

export interface DesignerFigures {
  designerId: string;
  entries: number;
  finalists: number;
  wins: number;
  winRate: number;
  averageRating: number | null;
}

export interface CategoryFigures {
  category: string;
  campaigns: number;
  successRate: number;
  contests: number;
  averageEntriesPerContest: number;
}

/** Builds `$n` placeholders as values are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  /** `column` within the window (either bound may be open). */
  within(column: string, window: TimeWindow): string {
    const parts = [`${column} IS NOT NULL`];
    if (window.from) parts.push(`${column} >= ${this.add(window.from)}::timestamptz`);
    if (window.to) parts.push(`${column} < ${this.add(window.to)}::timestamptz`);
    return `(${parts.join(' AND ')})`;
  }
  /** `column` within one of the edges; FALSE when there is none. */
  withinAny(column: string, edges: BoundedWindow[]): string {
    if (edges.length === 0) return 'FALSE';
    return `(${edges.map((edge) => this.within(column, edge)).join(' OR ')})`;
  }
}

const count = (value: unknown) => Number(value ?? 0);

@Injectable()
export class AnalyticsFigures {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The figures include every committed write (the rollups move in the writers' transactions): they are as of now. */
  async asOf(): Promise<Date> {
    const [row] = await this.dataSource.query<{ now: Date }[]>(`SELECT now() AS now`);
    return row.now;
  }

  async overview(window: TimeWindow): Promise<Overview> {
    const [campaigns, contests, entries, pledged, movements, activity] = await Promise.all([
      this.campaignCounts(window),
      this.contestCounts(window),
      this.entriesSubmitted(window),
      this.pledgedVolume(window),
      this.movementTotals(window),
      this.activity(window),
    ]);
    return {
      campaignsLaunched: campaigns.launched,
      campaignsSuccessful: campaigns.successful,
      campaignsFailed: campaigns.failed,
      successRate: ratio(campaigns.successful, campaigns.successful + campaigns.failed),
      pledgedVolume: pledged,
      collectedVolume: movements.collected,
      platformFees: movements.fees,
      contestsOpened: contests.opened,
      contestsCompleted: contests.completed,
      entriesSubmitted: entries,
      averageEntriesPerContest: contests.averageEntries,
      prizeVolume: movements.prizes,
      activeProfiles: activity.active,
    };
  }

  async crowdOverlap(window: TimeWindow): Promise<CrowdOverlap> {
    const { active: _active, ...overlap } = await this.activity(window);
    return overlap;
  }

  async campaignExists(campaignId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM analytics.campaigns WHERE id = $1`, [campaignId]);
    return rows.length > 0;
  }

  /**
   * Pledges made per bucket. For one campaign, from its pledges (newBackers: profiles pledging to
   * it for the first time); for the platform, from the hourly rollup (newBackers: profiles
   * pledging for the first time anywhere).
   */
  async fundingTimeline(campaignId: string | null, window: BoundedWindow, unit: TimeUnit): Promise<TimelinePoint[]> {
    const rows = campaignId ? await this.campaignTimeline(campaignId, window, unit) : await this.platformTimeline(window, unit);
    const byBucket = new Map<number, { pledges: number; newBackers: number; pledged: MoneyByCurrency }>();
    for (const row of rows) {
      const key = new Date(row.bucket).getTime();
      const point = byBucket.get(key) ?? { pledges: 0, newBackers: 0, pledged: new MoneyByCurrency() };
      point.pledges += count(row.pledges);
      point.newBackers += count(row.new_backers);
      point.pledged.add(row.currency, row.pledged);
      byBucket.set(key, point);
    }
    return bucketStarts(unit, window).map((bucket) => {
      const point = byBucket.get(bucket.getTime());
      return { bucket, pledgesCount: point?.pledges ?? 0, newBackers: point?.newBackers ?? 0, pledged: point?.pledged.list() ?? [] };
    });
  }

  async topDesigners(first: number): Promise<DesignerFigures[]> {
    const rows = await this.dataSource.query<
      { designer_id: string; entries: number; finalists: number; wins: number; rating_sum: string; ratings: number }[]
    >(
      `SELECT designer_id, entries, finalists, wins, rating_sum, ratings FROM analytics.designer_stats
        WHERE entries > 0
        ORDER BY wins DESC, finalists DESC, entries DESC, designer_id
        LIMIT $1`,
      [first],
    );
    return rows.map((row) => ({
      designerId: row.designer_id,
      entries: row.entries,
      finalists: row.finalists,
      wins: row.wins,
      winRate: ratio(row.wins, row.entries),
      averageRating: row.ratings > 0 ? Number(row.rating_sum) / row.ratings : null,
    }));
  }

  async categories(window: TimeWindow): Promise<CategoryFigures[]> {
    const params = new Params();
    const campaignsWithin = params.within('launched_at', window);
    const contestsWithin = params.within('opened_at', window);
    const rows = await this.dataSource.query<
      { category: string; campaigns: string; successful: string; ended: string; contests: string; entries: string }[]
    >(
      `WITH c AS (
         SELECT category_key, min(category) AS category, count(*) AS campaigns,
                count(*) FILTER (WHERE status = 'SUCCESSFUL') AS successful,
                count(*) FILTER (WHERE status IN ('SUCCESSFUL', 'FAILED')) AS ended
           FROM analytics.campaigns WHERE ${campaignsWithin} GROUP BY category_key),
       k AS (
         SELECT category_key, min(category) AS category, count(*) AS contests, sum(entries_submitted) AS entries
           FROM analytics.contests WHERE ${contestsWithin} GROUP BY category_key)
       SELECT coalesce(c.category, k.category) AS category, coalesce(c.campaigns, 0) AS campaigns,
              coalesce(c.successful, 0) AS successful, coalesce(c.ended, 0) AS ended,
              coalesce(k.contests, 0) AS contests, coalesce(k.entries, 0) AS entries
         FROM c FULL JOIN k USING (category_key)
        ORDER BY coalesce(c.category_key, k.category_key)`,
      params.values,
    );
    return rows.map((row) => ({
      category: row.category,
      campaigns: count(row.campaigns),
      successRate: ratio(count(row.successful), count(row.ended)),
      contests: count(row.contests),
      averageEntriesPerContest: ratio(count(row.entries), count(row.contests)),
    }));
  }

  // ---------------------------------------------------------------- parts

  private async campaignCounts(window: TimeWindow) {
    const params = new Params();
    const launched = params.within('launched_at', window);
    const ended = params.within('ended_at', window);
    const [row] = await this.dataSource.query<{ launched: string; successful: string; failed: string }[]>(
      `SELECT count(*) FILTER (WHERE ${launched}) AS launched,
              count(*) FILTER (WHERE status = 'SUCCESSFUL' AND ${ended}) AS successful,
              count(*) FILTER (WHERE status = 'FAILED' AND ${ended}) AS failed
         FROM analytics.campaigns`,
      params.values,
    );
    return { launched: count(row.launched), successful: count(row.successful), failed: count(row.failed) };
  }

  private async contestCounts(window: TimeWindow) {
    const params = new Params();
    const opened = params.within('opened_at', window);
    const completed = params.within('completed_at', window);
    const [row] = await this.dataSource.query<{ opened: string; completed: string; entries: string | null }[]>(
      `SELECT count(*) FILTER (WHERE ${opened}) AS opened,
              count(*) FILTER (WHERE status = 'COMPLETED' AND ${completed}) AS completed,
              sum(entries_submitted) FILTER (WHERE ${opened}) AS entries
         FROM analytics.contests`,
      params.values,
    );
    return { opened: count(row.opened), completed: count(row.completed), averageEntries: ratio(count(row.entries), count(row.opened)) };
  }

  private async entriesSubmitted(window: TimeWindow): Promise<number> {
    const params = new Params();
    const [row] = await this.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM analytics.entries WHERE ${params.within('submitted_at', window)}`,
      params.values,
    );
    return count(row.n);
  }

  private async pledgedVolume(window: TimeWindow): Promise<Money[]> {
    const { rollup, edges } = splitWindow(window, 'hour');
    const params = new Params();
    const parts: string[] = [];
    if (rollup) parts.push(`SELECT currency, sum(pledged) AS amount FROM analytics.pledge_hours WHERE ${params.within('hour', rollup)} GROUP BY currency`);
    if (edges.length) parts.push(`SELECT currency, sum(amount) AS amount FROM analytics.pledges WHERE ${params.withinAny('created_at', edges)} GROUP BY currency`);
    const totals = new MoneyByCurrency();
    if (parts.length === 0) return [];
    const rows = await this.dataSource.query<{ currency: string; amount: string }[]>(parts.join(' UNION ALL '), params.values);
    for (const row of rows) totals.add(row.currency, row.amount);
    return totals.list();
  }

  private async movementTotals(window: TimeWindow) {
    const { rollup, edges } = splitWindow(window, 'hour');
    const params = new Params();
    const select = `SELECT currency,
        coalesce(sum(gross) FILTER (WHERE ${COLLECTION_KINDS}), 0) AS collected,
        coalesce(sum(gross) FILTER (WHERE ${PRIZE_KINDS}), 0) AS prizes,
        coalesce(sum(fees), 0) AS fees,
        count(*) FILTER (WHERE ${COLLECTION_KINDS}) AS collections,
        count(*) FILTER (WHERE ${PRIZE_KINDS}) AS awards,
        count(*) FILTER (WHERE fees <> 0) AS charged`;
    const parts: string[] = [];
    if (rollup) parts.push(`${select} FROM analytics.movement_hours WHERE ${params.within('hour', rollup)} GROUP BY currency`);
    if (edges.length) parts.push(`${select} FROM analytics.money_movements WHERE ${params.withinAny('effective_at', edges)} GROUP BY currency`);
    const collected = new MoneyByCurrency();
    const prizes = new MoneyByCurrency();
    const fees = new MoneyByCurrency();
    if (parts.length > 0) {
      const rows = await this.dataSource.query<
        { currency: string; collected: string; prizes: string; fees: string; collections: string; awards: string; charged: string }[]
      >(parts.join(' UNION ALL '), params.values);
      // A currency appears in a list once it had such a movement, even when its total nets to 0.
      for (const row of rows) {
        if (count(row.collections) > 0) collected.add(row.currency, row.collected);
        if (count(row.awards) > 0) prizes.add(row.currency, row.prizes);
        if (count(row.charged) > 0) fees.add(row.currency, row.fees);
      }
    }
    return { collected: collected.list(), prizes: prizes.list(), fees: fees.list() };
  }

  /**
   * Who was active in the window, by what they did. A window open on a side is answered from
   * each profile's first and last activities (about a row per profile); a bounded one from the
   * daily rollup for its whole days and the source rows for its edges.
   */
  private async activity(window: TimeWindow): Promise<CrowdOverlap & { active: number }> {
    return window.from && window.to ? this.activityWithin({ from: window.from, to: window.to }) : this.activitySinceOrUntil(window);
  }

  private async activitySinceOrUntil(window: TimeWindow): Promise<CrowdOverlap & { active: number }> {
    const params = new Params();
    // Active since `from`: the last activity is at or after it; until `to`: the first is before it.
    const since = window.from ? params.add(window.from) : null;
    const until = window.to ? params.add(window.to) : null;
    const did = (role: 'backed' | 'designed' | 'created' | 'held') =>
      since ? `last_${role}_at >= ${since}::timestamptz` : until ? `first_${role}_at < ${until}::timestamptz` : `first_${role}_at IS NOT NULL`;
    const [row] = await this.dataSource.query<Record<'active' | 'backers' | 'designers' | 'creators' | 'both' | 'running', string>[]>(
      `SELECT count(*) FILTER (WHERE backer OR designer OR creator OR holder) AS active, count(*) FILTER (WHERE backer) AS backers,
              count(*) FILTER (WHERE designer) AS designers, count(*) FILTER (WHERE creator) AS creators,
              count(*) FILTER (WHERE backer AND designer) AS both, count(*) FILTER (WHERE creator AND holder) AS running
         FROM (SELECT ${did('backed')} AS backer, ${did('designed')} AS designer, ${did('created')} AS creator, ${did('held')} AS holder
                 FROM analytics.profile_activity) profiles`,
      params.values,
    );
    return activityFigures(row);
  }

  private async activityWithin(window: BoundedWindow): Promise<CrowdOverlap & { active: number }> {
    const { rollup, edges } = splitWindow(window, 'day');
    const params = new Params();
    const parts: string[] = [];
    if (rollup) parts.push(`SELECT role, profile_id FROM analytics.activity_days WHERE ${params.within('day', rollup)}`);
    if (edges.length) {
      parts.push(`SELECT 'backer', backer_id FROM analytics.pledges WHERE ${params.withinAny('created_at', edges)}`);
      parts.push(`SELECT 'designer', designer_id FROM analytics.entries WHERE ${params.withinAny('submitted_at', edges)}`);
      parts.push(`SELECT 'creator', creator_id FROM analytics.campaigns WHERE ${params.withinAny('launched_at', edges)}`);
      parts.push(`SELECT 'holder', holder_id FROM analytics.contests WHERE ${params.withinAny('opened_at', edges)}`);
    }
    if (parts.length === 0) return { active: 0, backers: 0, designers: 0, creators: 0, backersWhoDesign: 0, creatorsRunningBoth: 0 };
    const [row] = await this.dataSource.query<Record<'active' | 'backers' | 'designers' | 'creators' | 'both' | 'running', string>[]>(
      `WITH acts (role, profile_id) AS (${parts.join(' UNION ALL ')}),
       per AS (
         SELECT profile_id, bool_or(role = 'backer') AS backer, bool_or(role = 'designer') AS designer,
                bool_or(role = 'creator') AS creator, bool_or(role = 'holder') AS holder
           FROM acts GROUP BY profile_id)
       SELECT count(*) AS active, count(*) FILTER (WHERE backer) AS backers, count(*) FILTER (WHERE designer) AS designers,
              count(*) FILTER (WHERE creator) AS creators, count(*) FILTER (WHERE backer AND designer) AS both,
              count(*) FILTER (WHERE creator AND holder) AS running
         FROM per`,
      params.values,
    );
    return activityFigures(row);
  }

  private campaignTimeline(campaignId: string, window: BoundedWindow, unit: TimeUnit) {
    const params = new Params();
    const id = params.add(campaignId);
    const unitParam = params.add(unit);
    return this.dataSource.query<TimelineRow[]>(
      `SELECT date_trunc(${unitParam}, created_at, 'UTC') AS bucket, currency, count(*) AS pledges,
              count(*) FILTER (WHERE first) AS new_backers, sum(amount) AS pledged
         FROM (SELECT created_at, currency, amount,
                      row_number() OVER (PARTITION BY backer_id ORDER BY created_at, id) = 1 AS first
                 FROM analytics.pledges WHERE campaign_id = ${id}) pledges
        WHERE ${params.within('created_at', window)}
        GROUP BY 1, 2`,
      params.values,
    );
  }

  private platformTimeline(window: BoundedWindow, unit: TimeUnit) {
    const { rollup, edges } = splitWindow(window, 'hour');
    const params = new Params();
    const unitParam = params.add(unit);
    const parts: string[] = [];
    if (rollup) {
      parts.push(`SELECT date_trunc(${unitParam}, hour, 'UTC') AS bucket, currency, sum(pledges) AS pledges, sum(new_backers) AS new_backers,
                         sum(pledged) AS pledged
                    FROM analytics.pledge_hours WHERE ${params.within('hour', rollup)} GROUP BY 1, 2`);
    }
    if (edges.length) {
      parts.push(`SELECT date_trunc(${unitParam}, p.created_at, 'UTC') AS bucket, p.currency, count(*) AS pledges,
                         count(DISTINCT p.backer_id) FILTER (WHERE f.first_pledge_at = p.created_at) AS new_backers, sum(p.amount) AS pledged
                    FROM analytics.pledges p JOIN analytics.first_pledges f ON f.backer_id = p.backer_id
                   WHERE ${params.withinAny('p.created_at', edges)} GROUP BY 1, 2`);
    }
    if (parts.length === 0) return Promise.resolve([]);
    return this.dataSource.query<TimelineRow[]>(parts.join(' UNION ALL '), params.values);
  }
}

function activityFigures(row: Record<'active' | 'backers' | 'designers' | 'creators' | 'both' | 'running', string>): CrowdOverlap & { active: number } {
  return {
    active: count(row.active),
    backers: count(row.backers),
    designers: count(row.designers),
    creators: count(row.creators),
    backersWhoDesign: count(row.both),
    creatorsRunningBoth: count(row.running),
  };
}

interface TimelineRow {
  bucket: Date;
  currency: string;
  pledges: string;
  new_backers: string;
  pledged: string;
}
