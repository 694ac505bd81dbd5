import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pledges export at a million pledges (issue 12: over 100,000 rows/s). pledges.csv gives,
 * for each pledge movement, its pledge, campaign and backer: found by joining every movement to
 * funding.pledges (a million rows) with a hash join, whose output PostgreSQL then had to sort
 * by effective date before the first byte (seconds of a join and a sort, spilling to disk).
 *
 * A pledge's campaign and backer never change, so the movements rollup now keeps them, written
 * by the posting trigger from the pledge row when the movement is first recorded (for an
 * increment, `<pledge>:increment:<n>`, from its pledge). And a partial index holds the pledge
 * movements in the export's order with every column it writes (INCLUDE), so the export is an
 * index-only scan in order plus lookups of what can change (the campaign's title, the backer's
 * handle: small tables, memoized per id), streaming from the first row without a sort.
 *
 * Its cost: the index is about the size of the pledge movements themselves (150 MB at 620,000
 * movements), and recording a pledge movement (at collection or refund, not when a backer
 * pledges) writes one more index entry and looks its pledge up by primary key.
 *
 * Written by hand, as AnalyticsInit: no entity maps these tables.
 */
export class MovementPledges1796220000000 implements MigrationInterface {
  name = 'MovementPledges1796220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`ALTER TABLE analytics.movements ADD COLUMN pledge_id text, ADD COLUMN campaign_id text, ADD COLUMN backer_id text`);
    await q(BACKFILL_MOVEMENT_PLEDGES);
    await q(TRACK_POSTING_WITH_PLEDGES);
    await q(`CREATE INDEX movements_pledges_export_idx ON analytics.movements (effective_at, movement_id)
      INCLUDE (kind, currency, gross, fees, pledge_id, campaign_id, backer_id) WHERE kind LIKE 'pledge.%'`);
    // New columns go last: CREATE OR REPLACE VIEW keeps the existing ones as they are.
    await q(`CREATE OR REPLACE VIEW analytics.money_movements AS
      SELECT movement_id, kind, reference, effective_at, currency, gross, fees, gross - fees AS net, pledge_id, campaign_id, backer_id
        FROM analytics.movements`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analytics.movements_pledges_export_idx`);
    await queryRunner.query(`DROP VIEW analytics.money_movements`);
    await queryRunner.query(`CREATE VIEW analytics.money_movements AS
      SELECT movement_id, kind, reference, effective_at, currency, gross, fees, gross - fees AS net FROM analytics.movements`);
    await queryRunner.query(`GRANT SELECT ON analytics.money_movements TO foule_analyst`);
    await queryRunner.query(TRACK_POSTING_WITH_MOVEMENTS);
    await queryRunner.query(`ALTER TABLE analytics.movements DROP COLUMN pledge_id, DROP COLUMN campaign_id, DROP COLUMN backer_id`);
  }
}

/** The pledge of a pledge movement: its reference, or for an increment `<pledge>:increment:<n>` the part before the first colon. */
const PLEDGE_OF_REFERENCE = `split_part(m.reference, ':', 1)`;

/** The pledge, campaign and backer of every pledge movement already recorded, from the pledges. */
const BACKFILL_MOVEMENT_PLEDGES = `
  UPDATE analytics.movements m SET pledge_id = p.id, campaign_id = p.campaign_id, backer_id = p.backer_id
    FROM funding.pledges p
   WHERE m.kind LIKE 'pledge.%' AND p.id = ${PLEDGE_OF_REFERENCE}`;

/**
 * The movements rollup from the journal, with each pledge movement's pledge, campaign and backer
 * (for the volume seed, which loads with triggers off and then builds the rollups once).
 */
export const BACKFILL_MOVEMENTS_WITH_PLEDGES = `
  INSERT INTO analytics.movements (movement_id, kind, reference, effective_at, currency, gross, fees, pledge_id, campaign_id, backer_id)
  SELECT m.movement_id, m.kind, m.reference, m.effective_at, m.currency, m.gross, m.fees, p.id, p.campaign_id, p.backer_id
    FROM (SELECT e.id AS movement_id, e.kind, e.reference, e.created_at AS effective_at, p.currency,
                 analytics.movement_sign(e.kind) * coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0) AS gross,
                 coalesce(sum(p.amount) FILTER (WHERE p.account = 'platform:fees'), 0) AS fees
            FROM payments.journal_entries e
            JOIN payments.postings p ON p.journal_entry_id = e.id
           GROUP BY e.id, e.kind, e.reference, e.created_at, p.currency) m
    LEFT JOIN funding.pledges p ON m.kind LIKE 'pledge.%' AND p.id = ${PLEDGE_OF_REFERENCE}`;

/** AnalyticsAtVolume's posting trigger function, also recording a pledge movement's pledge, campaign and backer. */
const TRACK_POSTING_WITH_PLEDGES = `CREATE OR REPLACE FUNCTION analytics.track_posting() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    entry record;
    moved bigint;
    fee bigint;
    pledge text;
    campaign text;
    backer text;
  BEGIN
    SELECT kind, reference, created_at INTO entry FROM payments.journal_entries WHERE id = NEW.journal_entry_id;
    moved := CASE WHEN NEW.amount > 0 THEN analytics.movement_sign(entry.kind) * NEW.amount ELSE 0 END;
    fee := CASE WHEN NEW.account = 'platform:fees' THEN NEW.amount ELSE 0 END;
    IF entry.kind LIKE 'pledge.%' THEN
      SELECT p.id, p.campaign_id, p.backer_id INTO pledge, campaign, backer FROM funding.pledges p WHERE p.id = split_part(entry.reference, ':', 1);
    END IF;
    INSERT INTO analytics.movements AS m (movement_id, currency, kind, reference, effective_at, gross, fees, pledge_id, campaign_id, backer_id)
    VALUES (NEW.journal_entry_id, NEW.currency, entry.kind, entry.reference, entry.created_at, moved, fee, pledge, campaign, backer)
    ON CONFLICT (movement_id, currency) DO UPDATE SET gross = m.gross + EXCLUDED.gross, fees = m.fees + EXCLUDED.fees;
    IF NEW.amount <= 0 AND NEW.account <> 'platform:fees' THEN RETURN NULL; END IF;
    INSERT INTO analytics.movement_hours AS h (hour, kind, currency, gross, fees)
    VALUES (date_trunc('hour', entry.created_at, 'UTC'), entry.kind, NEW.currency, moved, fee)
    ON CONFLICT (hour, kind, currency) DO UPDATE SET gross = h.gross + EXCLUDED.gross, fees = h.fees + EXCLUDED.fees;
    RETURN NULL;
  END $$`;

/** AnalyticsAtVolume's posting trigger function, for down(). */
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
