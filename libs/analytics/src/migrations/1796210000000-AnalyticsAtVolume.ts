import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics at a million pledges (issue 12's goals): two rollups kept by the writers' triggers,
 * each keyed finely enough (per profile, per journal entry) that concurrent writers never queue
 * on a platform-wide row.
 *
 * - profile_activity: one row per profile with the first and last time it did each thing
 *   (backed, designed, created a campaign, held a contest). The distinct counts of a window open
 *   on at least one side (all time, "since", "until") are then counts over about one row per
 *   profile instead of a DISTINCT over every pledge: a profile backed in [from, ∞) when its last
 *   pledge is at or after `from`, in (-∞, to) when its first one is before `to`.
 * - movements: one row per money movement (journal entry and currency) with its gross and fees,
 *   which money_movements used to aggregate from every posting at each read. The journal is
 *   append-only, so a movement's row is final once its entry's transaction commits. Indexed by
 *   effective date for the exports, which read it in that order.
 *
 * The hourly rollups (pledge_hours, movement_hours) have one row per hour and currency, which
 * every pledge of that hour updates: their triggers now run at commit (deferred constraint
 * triggers), so a pledge holds that row's lock for its commit only, not for the rest of its
 * transaction.
 *
 * Written by hand, as AnalyticsInit: no entity maps these tables.
 */
export class AnalyticsAtVolume1796210000000 implements MigrationInterface {
  name = 'AnalyticsAtVolume1796210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`CREATE TABLE analytics.profile_activity (
      profile_id text PRIMARY KEY,
      first_backed_at timestamptz, last_backed_at timestamptz,
      first_designed_at timestamptz, last_designed_at timestamptz,
      first_created_at timestamptz, last_created_at timestamptz,
      first_held_at timestamptz, last_held_at timestamptz)`);

    // least() and greatest() ignore NULLs: a role's columns move only with that role's activity.
    // The WHERE skips the write (and its dead tuple) when nothing moves, e.g. an older pledge.
    await q(`CREATE FUNCTION analytics.note_activity(who text, role text, at timestamptz) RETURNS void LANGUAGE sql AS $$
      INSERT INTO analytics.profile_activity AS a (profile_id, first_backed_at, last_backed_at, first_designed_at, last_designed_at,
                                                   first_created_at, last_created_at, first_held_at, last_held_at)
      VALUES (who, CASE WHEN role = 'backer' THEN at END, CASE WHEN role = 'backer' THEN at END,
              CASE WHEN role = 'designer' THEN at END, CASE WHEN role = 'designer' THEN at END,
              CASE WHEN role = 'creator' THEN at END, CASE WHEN role = 'creator' THEN at END,
              CASE WHEN role = 'holder' THEN at END, CASE WHEN role = 'holder' THEN at END)
      ON CONFLICT (profile_id) DO UPDATE SET
        first_backed_at = least(a.first_backed_at, EXCLUDED.first_backed_at), last_backed_at = greatest(a.last_backed_at, EXCLUDED.last_backed_at),
        first_designed_at = least(a.first_designed_at, EXCLUDED.first_designed_at), last_designed_at = greatest(a.last_designed_at, EXCLUDED.last_designed_at),
        first_created_at = least(a.first_created_at, EXCLUDED.first_created_at), last_created_at = greatest(a.last_created_at, EXCLUDED.last_created_at),
        first_held_at = least(a.first_held_at, EXCLUDED.first_held_at), last_held_at = greatest(a.last_held_at, EXCLUDED.last_held_at)
      WHERE EXCLUDED.first_backed_at < a.first_backed_at OR EXCLUDED.last_backed_at > a.last_backed_at
         OR (a.first_backed_at IS NULL AND EXCLUDED.first_backed_at IS NOT NULL)
         OR EXCLUDED.first_designed_at < a.first_designed_at OR EXCLUDED.last_designed_at > a.last_designed_at
         OR (a.first_designed_at IS NULL AND EXCLUDED.first_designed_at IS NOT NULL)
         OR EXCLUDED.first_created_at < a.first_created_at OR EXCLUDED.last_created_at > a.last_created_at
         OR (a.first_created_at IS NULL AND EXCLUDED.first_created_at IS NOT NULL)
         OR EXCLUDED.first_held_at < a.first_held_at OR EXCLUDED.last_held_at > a.last_held_at
         OR (a.first_held_at IS NULL AND EXCLUDED.first_held_at IS NOT NULL) $$`);

    for (const sql of triggerFunctions(true)) await q(sql);
    await q(`CREATE TABLE analytics.movements (
      movement_id text NOT NULL, currency char(3) NOT NULL, kind text NOT NULL, reference text NOT NULL, effective_at timestamptz NOT NULL,
      gross bigint NOT NULL DEFAULT 0, fees bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (movement_id, currency))`);
    await q(`CREATE INDEX movements_effective_idx ON analytics.movements (effective_at, movement_id)`);
    await q(TRACK_POSTING_WITH_MOVEMENTS);

    await q(BACKFILL_PROFILE_ACTIVITY);
    await q(BACKFILL_MOVEMENTS);
    // Same columns as before, read from the rollup instead of every posting (gross, fees and net
    // are bigint now, as every amount elsewhere: they were numeric, sums of bigints).
    await q(`DROP VIEW analytics.money_movements`);
    await q(MONEY_MOVEMENTS_FROM_MOVEMENTS);
    await q(`GRANT SELECT ON analytics.profile_activity, analytics.movements, analytics.money_movements TO foule_analyst`);
    for (const sql of rollupTriggers(true)) await q(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of rollupTriggers(false)) await queryRunner.query(sql);
    await queryRunner.query(`DROP VIEW analytics.money_movements`);
    await queryRunner.query(MONEY_MOVEMENTS_FROM_POSTINGS);
    await queryRunner.query(`GRANT SELECT ON analytics.money_movements TO foule_analyst`);
    await queryRunner.query(TRACK_POSTING);
    await queryRunner.query(`DROP TABLE analytics.movements`);
    for (const sql of triggerFunctions(false)) await queryRunner.query(sql);
    await queryRunner.query(`DROP FUNCTION analytics.note_activity(text, text, timestamptz)`);
    await queryRunner.query(`DROP TABLE analytics.profile_activity`);
  }
}

/**
 * AnalyticsInit's trigger functions; with `noting`, each also notes the activity in
 * profile_activity where it records its day in activity_days (without: as AnalyticsInit left them).
 */
function triggerFunctions(noting: boolean): string[] {
  return [
    `CREATE OR REPLACE FUNCTION analytics.track_pledge() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        new_backer integer := 0;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO analytics.first_pledges (backer_id, first_pledge_at) VALUES (NEW.backer_id, NEW.created_at)
          ON CONFLICT (backer_id) DO NOTHING;
          IF FOUND THEN new_backer := 1; END IF;
          INSERT INTO analytics.pledge_hours AS h (hour, currency, pledges, pledged, new_backers)
          VALUES (date_trunc('hour', NEW.created_at, 'UTC'), NEW.currency, 1, NEW.amount, new_backer)
          ON CONFLICT (hour, currency) DO UPDATE
            SET pledges = h.pledges + 1, pledged = h.pledged + EXCLUDED.pledged, new_backers = h.new_backers + EXCLUDED.new_backers;
          INSERT INTO analytics.activity_days (day, role, profile_id)
          VALUES (date_trunc('day', NEW.created_at, 'UTC'), 'backer', NEW.backer_id) ON CONFLICT DO NOTHING;
          ${noting ? `PERFORM analytics.note_activity(NEW.backer_id, 'backer', NEW.created_at);` : ''}
        ELSIF NEW.amount <> OLD.amount THEN
          UPDATE analytics.pledge_hours SET pledged = pledged + NEW.amount - OLD.amount
           WHERE hour = date_trunc('hour', OLD.created_at, 'UTC') AND currency = OLD.currency;
        END IF;
        RETURN NULL;
      END $$`,
    `CREATE OR REPLACE FUNCTION analytics.track_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        was_finalist integer := 0;
        old_rating integer;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          was_finalist := (OLD.status IN ('FINALIST', 'WINNER'))::integer;
          old_rating := OLD.rating;
        ELSE
          INSERT INTO analytics.activity_days (day, role, profile_id)
          VALUES (date_trunc('day', NEW.submitted_at, 'UTC'), 'designer', NEW.designer_id) ON CONFLICT DO NOTHING;
          ${noting ? `PERFORM analytics.note_activity(NEW.designer_id, 'designer', NEW.submitted_at);` : ''}
        END IF;
        INSERT INTO analytics.designer_stats AS d (designer_id, entries, finalists, rating_sum, ratings)
        VALUES (NEW.designer_id, CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE 0 END,
                (NEW.status IN ('FINALIST', 'WINNER'))::integer - was_finalist,
                coalesce(NEW.rating, 0) - coalesce(old_rating, 0),
                (NEW.rating IS NOT NULL)::integer - (old_rating IS NOT NULL)::integer)
        ON CONFLICT (designer_id) DO UPDATE SET entries = d.entries + EXCLUDED.entries, finalists = d.finalists + EXCLUDED.finalists,
          rating_sum = d.rating_sum + EXCLUDED.rating_sum, ratings = d.ratings + EXCLUDED.ratings;
        RETURN NULL;
      END $$`,
    `CREATE OR REPLACE FUNCTION analytics.track_launch() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        launched timestamptz;
        previous timestamptz;
        who text;
        role text;
      BEGIN
        IF TG_TABLE_NAME = 'campaigns' THEN
          launched := NEW.launched_at; who := NEW.creator_id; role := 'creator';
          IF TG_OP = 'UPDATE' THEN previous := OLD.launched_at; END IF;
        ELSE
          launched := NEW.opened_at; who := NEW.holder_id; role := 'holder';
          IF TG_OP = 'UPDATE' THEN previous := OLD.opened_at; END IF;
        END IF;
        IF launched IS NOT NULL AND previous IS NULL THEN
          INSERT INTO analytics.activity_days (day, role, profile_id)
          VALUES (date_trunc('day', launched, 'UTC'), role, who) ON CONFLICT DO NOTHING;
          ${noting ? 'PERFORM analytics.note_activity(who, role, launched);' : ''}
        END IF;
        RETURN NULL;
      END $$`,
  ];
}

/** The first and last activities of every profile, from the source rows (also run by the volume seed). */
export const BACKFILL_PROFILE_ACTIVITY = `
  INSERT INTO analytics.profile_activity (profile_id, first_backed_at, last_backed_at, first_designed_at, last_designed_at,
                                          first_created_at, last_created_at, first_held_at, last_held_at)
  SELECT profile_id, min(first_at) FILTER (WHERE role = 'backer'), max(last_at) FILTER (WHERE role = 'backer'),
         min(first_at) FILTER (WHERE role = 'designer'), max(last_at) FILTER (WHERE role = 'designer'),
         min(first_at) FILTER (WHERE role = 'creator'), max(last_at) FILTER (WHERE role = 'creator'),
         min(first_at) FILTER (WHERE role = 'holder'), max(last_at) FILTER (WHERE role = 'holder')
    FROM (SELECT backer_id AS profile_id, 'backer' AS role, min(created_at) AS first_at, max(created_at) AS last_at
            FROM funding.pledges GROUP BY backer_id
          UNION ALL SELECT designer_id, 'designer', min(submitted_at), max(submitted_at) FROM contest.entries GROUP BY designer_id
          UNION ALL SELECT creator_id, 'creator', min(launched_at), max(launched_at) FROM funding.campaigns
                     WHERE launched_at IS NOT NULL GROUP BY creator_id
          UNION ALL SELECT holder_id, 'holder', min(opened_at), max(opened_at) FROM contest.contests
                     WHERE opened_at IS NOT NULL GROUP BY holder_id) acts
   GROUP BY profile_id`;

/** The pledge and posting triggers, run at commit (`atCommit`) or, as AnalyticsInit made them, at the end of each statement. */
function rollupTriggers(atCommit: boolean): string[] {
  const create = (name: string, events: string, table: string, fn: string) =>
    atCommit
      ? `CREATE CONSTRAINT TRIGGER ${name} AFTER ${events} ON ${table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${fn}()`
      : `CREATE TRIGGER ${name} AFTER ${events} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`;
  return [
    `DROP TRIGGER pledges_analytics ON funding.pledges`,
    create('pledges_analytics', 'INSERT OR UPDATE OF amount', 'funding.pledges', 'analytics.track_pledge'),
    `DROP TRIGGER postings_analytics ON payments.postings`,
    create('postings_analytics', 'INSERT', 'payments.postings', 'analytics.track_posting'),
  ];
}

/** One movement per journal entry and currency: gross is what moved (the postings into accounts), negative for reversing kinds. */
const MOVEMENTS_FROM_POSTINGS = `
  SELECT e.id AS movement_id, e.kind, e.reference, e.created_at AS effective_at, p.currency,
         analytics.movement_sign(e.kind) * coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0) AS gross,
         coalesce(sum(p.amount) FILTER (WHERE p.account = 'platform:fees'), 0) AS fees
    FROM payments.journal_entries e
    JOIN payments.postings p ON p.journal_entry_id = e.id
   GROUP BY e.id, e.kind, e.reference, e.created_at, p.currency`;

/** The movements rollup from the journal. */
const BACKFILL_MOVEMENTS = `
  INSERT INTO analytics.movements (movement_id, kind, reference, effective_at, currency, gross, fees) ${MOVEMENTS_FROM_POSTINGS}`;

/** AnalyticsInit's view, aggregating every posting at each read. */
const MONEY_MOVEMENTS_FROM_POSTINGS = `CREATE VIEW analytics.money_movements AS
  SELECT movement_id, kind, reference, effective_at, currency, gross, fees, gross - fees AS net FROM (${MOVEMENTS_FROM_POSTINGS}) m`;

const MONEY_MOVEMENTS_FROM_MOVEMENTS = `CREATE VIEW analytics.money_movements AS
  SELECT movement_id, kind, reference, effective_at, currency, gross, fees, gross - fees AS net FROM analytics.movements`;

/** AnalyticsInit's posting trigger function. */
const TRACK_POSTING = `CREATE OR REPLACE FUNCTION analytics.track_posting() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    entry record;
  BEGIN
    IF NEW.amount <= 0 AND NEW.account <> 'platform:fees' THEN RETURN NULL; END IF;
    SELECT kind, created_at INTO entry FROM payments.journal_entries WHERE id = NEW.journal_entry_id;
    INSERT INTO analytics.movement_hours AS h (hour, kind, currency, gross, fees)
    VALUES (date_trunc('hour', entry.created_at, 'UTC'), entry.kind, NEW.currency,
            CASE WHEN NEW.amount > 0 THEN analytics.movement_sign(entry.kind) * NEW.amount ELSE 0 END,
            CASE WHEN NEW.account = 'platform:fees' THEN NEW.amount ELSE 0 END)
    ON CONFLICT (hour, kind, currency) DO UPDATE SET gross = h.gross + EXCLUDED.gross, fees = h.fees + EXCLUDED.fees;
    RETURN NULL;
  END $$`;

/** The same, also keeping the entry's movement (every posting makes one exist, as the view's GROUP BY did). */
const TRACK_POSTING_WITH_MOVEMENTS = `CREATE OR REPLACE FUNCTION analytics.track_posting() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    entry record;
    moved bigint;
    fee bigint;
  BEGIN
    SELECT kind, reference, created_at INTO entry FROM payments.journal_entries WHERE id = NEW.journal_entry_id;
    moved := CASE WHEN NEW.amount > 0 THEN analytics.movement_sign(entry.kind) * NEW.amount ELSE 0 END;
    fee := CASE WHEN NEW.account = 'platform:fees' THEN NEW.amount ELSE 0 END;
    INSERT INTO analytics.movements AS m (movement_id, currency, kind, reference, effective_at, gross, fees)
    VALUES (NEW.journal_entry_id, NEW.currency, entry.kind, entry.reference, entry.created_at, moved, fee)
    ON CONFLICT (movement_id, currency) DO UPDATE SET gross = m.gross + EXCLUDED.gross, fees = m.fees + EXCLUDED.fees;
    IF NEW.amount <= 0 AND NEW.account <> 'platform:fees' THEN RETURN NULL; END IF;
    INSERT INTO analytics.movement_hours AS h (hour, kind, currency, gross, fees)
    VALUES (date_trunc('hour', entry.created_at, 'UTC'), entry.kind, NEW.currency, moved, fee)
    ON CONFLICT (hour, kind, currency) DO UPDATE SET gross = h.gross + EXCLUDED.gross, fees = h.fees + EXCLUDED.fees;
    RETURN NULL;
  END $$`;
