import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `analytics` schema: read-only views over the module schemas (the one place allowed to
 * read across them, and only to read), rollup tables kept up to date incrementally by triggers
 * in the writers' own transactions (so the figures are current at commit, never recomputed per
 * request), and the `foule_analyst` role that can read this schema and nothing else.
 *
 * Written by hand: TypeORM knows nothing of views, triggers and roles. No entity maps these
 * tables, so the drift check leaves them alone.
 *
 * People appear as profile ids (analytics.profiles gives id, handle and display name): no
 * emails, password hashes, payment methods, customer, charge or provider ids.
 */
export class AnalyticsInit1796200000000 implements MigrationInterface {
  name = 'AnalyticsInit1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`CREATE SCHEMA IF NOT EXISTS analytics`);

    // The role is cluster-wide and may exist already (a shared server, many test databases on one
    // server, two migrations at once): create it only when missing, and tolerate losing the race.
    // NOLOGIN and no password: an operator gives it one (README, "Analytics").
    await q(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'foule_analyst') THEN
          BEGIN
            CREATE ROLE foule_analyst NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
      END $$`);

    // ---------------------------------------------------------------- views (read-only, no personal data)
    await q(`CREATE VIEW analytics.profiles AS
      SELECT id, handle, display_name, created_at FROM community.profiles`);
    await q(`CREATE VIEW analytics.campaigns AS
      SELECT id, creator_id, title, category, category_key, status, funding_model, goal_amount, currency,
             deadline, launched_at, ended_at, created_at
        FROM funding.campaigns`);
    await q(`CREATE VIEW analytics.pledges AS
      SELECT id, campaign_id, backer_id, tier_id, amount, currency, status, collected_at, ended_at, created_at
        FROM funding.pledges`);
    await q(`CREATE VIEW analytics.contests AS
      SELECT id, holder_id, title, category, category_key, status, prize_amount, fee_amount, currency, guaranteed, blind,
             entries_numbered AS entries_submitted, opened_at, completed_at, canceled_at, refunded_at, created_at
        FROM contest.contests`);
    await q(`CREATE VIEW analytics.entries AS
      SELECT id, contest_id, designer_id, number, status, rating, submitted_at FROM contest.entries`);
    await q(`CREATE VIEW analytics.prize_awards AS
      SELECT contest_id, designer_id, kind, amount, currency, payout_id, created_at FROM contest.prize_awards`);
    await q(`CREATE VIEW analytics.payouts AS
      SELECT id, recipient_profile_id, amount, currency, status, source_id, created_at, paid_at, failed_at FROM payments.payouts`);

    // A money movement is one journal entry (per currency): every kind the ledger will ever
    // record (increments, royalties...) appears here with no change. gross: what moved (the
    // postings into accounts), negative for reversing kinds (refunds, reversals); fees: what
    // went to platform:fees; net: gross less fees.
    await q(`CREATE FUNCTION analytics.movement_sign(kind text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN kind ~ '(refund|revers)' THEN -1 ELSE 1 END $$`);
    await q(`CREATE VIEW analytics.money_movements AS
      SELECT e.id AS movement_id, e.kind, e.reference, e.created_at AS effective_at, p.currency,
             analytics.movement_sign(e.kind) * coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0) AS gross,
             coalesce(sum(p.amount) FILTER (WHERE p.account = 'platform:fees'), 0) AS fees,
             analytics.movement_sign(e.kind) * coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0)
               - coalesce(sum(p.amount) FILTER (WHERE p.account = 'platform:fees'), 0) AS net
        FROM payments.journal_entries e
        JOIN payments.postings p ON p.journal_entry_id = e.id
       GROUP BY e.id, e.kind, e.reference, e.created_at, p.currency`);

    // ---------------------------------------------------------------- rollups (kept by triggers)
    // Hours and days in UTC. One row per hour and currency (and kind): small enough that a
    // two-year overview sums some 50,000 rows. Concurrent writers of one hour and currency
    // queue on its row for the rest of their (short) transactions.
    await q(`CREATE TABLE analytics.pledge_hours (
      hour timestamptz NOT NULL, currency char(3) NOT NULL,
      pledges bigint NOT NULL DEFAULT 0, pledged bigint NOT NULL DEFAULT 0, new_backers bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, currency))`);
    await q(`CREATE TABLE analytics.first_pledges (backer_id text PRIMARY KEY, first_pledge_at timestamptz NOT NULL)`);
    await q(`CREATE INDEX first_pledges_at_idx ON analytics.first_pledges (first_pledge_at)`);
    await q(`CREATE TABLE analytics.movement_hours (
      hour timestamptz NOT NULL, kind text NOT NULL, currency char(3) NOT NULL,
      gross bigint NOT NULL DEFAULT 0, fees bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, kind, currency))`);
    // Who did what on which day: backer (pledged), designer (submitted an entry), creator
    // (launched a campaign), holder (opened a contest).
    await q(`CREATE TABLE analytics.activity_days (
      day timestamptz NOT NULL, role text NOT NULL, profile_id text NOT NULL,
      PRIMARY KEY (day, role, profile_id),
      CONSTRAINT activity_days_role_check CHECK (role IN ('backer', 'designer', 'creator', 'holder')))`);
    await q(`CREATE TABLE analytics.designer_stats (
      designer_id text PRIMARY KEY, entries integer NOT NULL DEFAULT 0, finalists integer NOT NULL DEFAULT 0,
      wins integer NOT NULL DEFAULT 0, rating_sum bigint NOT NULL DEFAULT 0, ratings integer NOT NULL DEFAULT 0)`);
    await q(`CREATE INDEX designer_stats_ranking_idx ON analytics.designer_stats
      (wins DESC, finalists DESC, entries DESC, designer_id)`);

    await q(`CREATE FUNCTION analytics.track_pledge() RETURNS trigger LANGUAGE plpgsql AS $$
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
        ELSIF NEW.amount <> OLD.amount THEN
          UPDATE analytics.pledge_hours SET pledged = pledged + NEW.amount - OLD.amount
           WHERE hour = date_trunc('hour', OLD.created_at, 'UTC') AND currency = OLD.currency;
        END IF;
        RETURN NULL;
      END $$`);
    await q(`CREATE TRIGGER pledges_analytics AFTER INSERT OR UPDATE OF amount ON funding.pledges
      FOR EACH ROW EXECUTE FUNCTION analytics.track_pledge()`);

    await q(`CREATE FUNCTION analytics.track_posting() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await q(`CREATE TRIGGER postings_analytics AFTER INSERT ON payments.postings
      FOR EACH ROW EXECUTE FUNCTION analytics.track_posting()`);

    await q(`CREATE FUNCTION analytics.track_entry() RETURNS trigger LANGUAGE plpgsql AS $$
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
        END IF;
        INSERT INTO analytics.designer_stats AS d (designer_id, entries, finalists, rating_sum, ratings)
        VALUES (NEW.designer_id, CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE 0 END,
                (NEW.status IN ('FINALIST', 'WINNER'))::integer - was_finalist,
                coalesce(NEW.rating, 0) - coalesce(old_rating, 0),
                (NEW.rating IS NOT NULL)::integer - (old_rating IS NOT NULL)::integer)
        ON CONFLICT (designer_id) DO UPDATE SET entries = d.entries + EXCLUDED.entries, finalists = d.finalists + EXCLUDED.finalists,
          rating_sum = d.rating_sum + EXCLUDED.rating_sum, ratings = d.ratings + EXCLUDED.ratings;
        RETURN NULL;
      END $$`);
    await q(`CREATE TRIGGER entries_analytics AFTER INSERT OR UPDATE OF status, rating ON contest.entries
      FOR EACH ROW EXECUTE FUNCTION analytics.track_entry()`);

    await q(`CREATE FUNCTION analytics.track_prize_award() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO analytics.designer_stats AS d (designer_id, wins) VALUES (NEW.designer_id, 1)
        ON CONFLICT (designer_id) DO UPDATE SET wins = d.wins + 1;
        RETURN NULL;
      END $$`);
    await q(`CREATE TRIGGER prize_awards_analytics AFTER INSERT ON contest.prize_awards
      FOR EACH ROW EXECUTE FUNCTION analytics.track_prize_award()`);

    await q(`CREATE FUNCTION analytics.track_launch() RETURNS trigger LANGUAGE plpgsql AS $$
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
        END IF;
        RETURN NULL;
      END $$`);
    await q(`CREATE TRIGGER campaigns_analytics AFTER INSERT OR UPDATE OF launched_at ON funding.campaigns
      FOR EACH ROW EXECUTE FUNCTION analytics.track_launch()`);
    await q(`CREATE TRIGGER contests_analytics AFTER INSERT OR UPDATE OF opened_at ON contest.contests
      FOR EACH ROW EXECUTE FUNCTION analytics.track_launch()`);

    // Backfill from what is already there (a deployment that had data before analytics).
    await q(`INSERT INTO analytics.first_pledges (backer_id, first_pledge_at)
      SELECT backer_id, min(created_at) FROM funding.pledges GROUP BY backer_id`);
    await q(`INSERT INTO analytics.pledge_hours (hour, currency, pledges, pledged, new_backers)
      SELECT date_trunc('hour', p.created_at, 'UTC'), p.currency, count(*), sum(p.amount),
             count(*) FILTER (WHERE f.first_pledge_at = p.created_at)
        FROM funding.pledges p JOIN analytics.first_pledges f ON f.backer_id = p.backer_id
       GROUP BY 1, 2`);
    await q(`INSERT INTO analytics.movement_hours (hour, kind, currency, gross, fees)
      SELECT date_trunc('hour', e.created_at, 'UTC'), e.kind, p.currency,
             coalesce(sum(analytics.movement_sign(e.kind) * p.amount) FILTER (WHERE p.amount > 0), 0),
             coalesce(sum(p.amount) FILTER (WHERE p.account = 'platform:fees'), 0)
        FROM payments.journal_entries e JOIN payments.postings p ON p.journal_entry_id = e.id
       GROUP BY 1, 2, 3`);
    await q(`INSERT INTO analytics.activity_days (day, role, profile_id)
      SELECT DISTINCT date_trunc('day', created_at, 'UTC'), 'backer', backer_id FROM funding.pledges
      UNION SELECT DISTINCT date_trunc('day', submitted_at, 'UTC'), 'designer', designer_id FROM contest.entries
      UNION SELECT DISTINCT date_trunc('day', launched_at, 'UTC'), 'creator', creator_id FROM funding.campaigns WHERE launched_at IS NOT NULL
      UNION SELECT DISTINCT date_trunc('day', opened_at, 'UTC'), 'holder', holder_id FROM contest.contests WHERE opened_at IS NOT NULL`);
    await q(`INSERT INTO analytics.designer_stats (designer_id, entries, finalists, wins, rating_sum, ratings)
      SELECT e.designer_id, count(*), count(*) FILTER (WHERE e.status IN ('FINALIST', 'WINNER')),
             coalesce((SELECT count(*) FROM contest.prize_awards a WHERE a.designer_id = e.designer_id), 0),
             coalesce(sum(e.rating), 0), count(e.rating)
        FROM contest.entries e GROUP BY e.designer_id`);

    // foule_analyst reads this schema, and nothing else: no USAGE on any module schema, and
    // views run with their owner's rights, so the views are its only way to the data.
    await q(`GRANT USAGE ON SCHEMA analytics TO foule_analyst`);
    await q(`GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO foule_analyst`);
    await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO foule_analyst`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS pledges_analytics ON funding.pledges`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS postings_analytics ON payments.postings`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS entries_analytics ON contest.entries`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS prize_awards_analytics ON contest.prize_awards`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS campaigns_analytics ON funding.campaigns`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS contests_analytics ON contest.contests`);
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA analytics REVOKE SELECT ON TABLES FROM foule_analyst`);
    await queryRunner.query(`DROP SCHEMA analytics CASCADE`);
    // The role stays: it is cluster-wide, and other databases on the server may still grant it rights.
  }
}
