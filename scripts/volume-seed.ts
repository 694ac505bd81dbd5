/**
 * A realistic crowd at volume, for the analytics benchmark: profiles, campaigns across
 * categories, currencies and outcomes, pledges over two years with their ledger movements,
 * contests with entries, ratings, finalists, winners and prizes. Set-based INSERT ... SELECT
 * over generate_series (the server builds the rows; nothing crosses the wire), with the
 * row triggers off during the load (session_replication_role = replica) and the derived tables
 * (account balances, the analytics rollups) then built once from what was loaded.
 *
 * Sizes follow the pledges: campaigns = pledges / 50, contests = pledges / 200,
 * entries = pledges / 10, profiles = pledges / 10.
 */
import type { Pool } from 'pg';
import { BACKFILL_MOVEMENTS_WITH_PLEDGES, BACKFILL_PROFILE_ACTIVITY } from '@foule/analytics';

export interface VolumeSizes {
  pledges: number;
  campaigns: number;
  contests: number;
  entries: number;
  profiles: number;
}

export function volumeSizes(pledges: number): VolumeSizes {
  return {
    pledges,
    campaigns: Math.max(10, Math.round(pledges / 50)),
    contests: Math.max(5, Math.round(pledges / 200)),
    entries: Math.max(20, Math.round(pledges / 10)),
    profiles: Math.max(100, Math.round(pledges / 10)),
  };
}

/** Our id format (3-letter prefix, 26 Crockford characters) from a number, in SQL. */
const sqlId = (prefix: string, n: string) => `'${prefix}_' || lpad((${n})::text, 26, '0')`;

export async function seedVolume(pool: Pool, sizes: VolumeSizes, log: (line: string) => void = () => undefined): Promise<Record<string, number>> {
  const client = await pool.connect();
  const timings: Record<string, number> = {};
  const step = async (name: string, sql: string, values: unknown[] = []) => {
    const started = performance.now();
    if (values.length) await client.query(sql, values);
    else await client.query(sql); // several statements: the simple protocol
    timings[name] = Math.round(performance.now() - started);
    log(`  ${name}: ${timings[name]} ms`);
  };
  const { pledges: N, campaigns: C, contests: K, entries: E, profiles: P } = sizes;
  try {
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET synchronous_commit = off`);
    // Two years ending at the start of this month, so every instant is in the past.
    await client.query(`CREATE TEMP TABLE seed_epoch AS SELECT date_trunc('month', now()) - interval '2 years' AS t0`);

    await step(
      'profiles',
      `INSERT INTO community.profiles (id, email, password_hash, handle, handle_key, display_name, created_at)
       SELECT ${sqlId('prf', 'g')}, 'seed' || g || '@volume.test', 'not-a-hash', 'seed' || g, 'seed' || g, 'Seed ' || g,
              (SELECT t0 FROM seed_epoch) + (g % 700) * interval '1 day'
         FROM generate_series(1, $1) g`,
      [P],
    );
    const categories = `(ARRAY['Games','Design','Technology','Film','Music','Publishing','Food','Fashion'])`;
    await step(
      'campaigns',
      `INSERT INTO funding.campaigns (id, slug, title, blurb, description, category, category_key, creator_id, status, funding_model, goal_amount,
                                      currency, deadline, launched_at, ended_at, secret_reward_token, created_at)
       SELECT ${sqlId('cmp', 'g')}, 'seed-' || g, 'Campaign ' || g, 'blurb', 'description', cat, lower(cat), ${sqlId('prf', '(g * 37) % $2 + 1')},
              status, CASE WHEN g % 4 = 0 THEN 'FLEXIBLE' ELSE 'ALL_OR_NOTHING' END, 100000 + (g % 50) * 10000,
              (ARRAY['EUR','USD','GBP'])[g % 3 + 1], launched + interval '30 days', launched,
              CASE WHEN status IN ('SUCCESSFUL', 'FAILED') THEN launched + interval '30 days' WHEN status = 'CANCELED' THEN launched + interval '5 days' END,
              'token', launched - interval '2 days'
         FROM (SELECT g, ${categories}[g % 8 + 1] AS cat,
                      (SELECT t0 FROM seed_epoch) + ((g::bigint * 7919) % (690 * 24)) * interval '1 hour' AS launched,
                      CASE WHEN g % 20 < 12 THEN 'SUCCESSFUL' WHEN g % 20 < 17 THEN 'FAILED' WHEN g % 20 < 19 THEN 'LIVE' ELSE 'CANCELED' END AS status
                 FROM generate_series(1, $1) g) c`,
      [C, P],
    );
    // Pledge g goes to campaign g % C + 1, the k-th of that campaign, by backer (c * 31 + k) % P:
    // one live pledge per backer and campaign, as the unique index wants.
    await step(
      'pledges',
      `INSERT INTO funding.pledges (id, campaign_id, backer_id, amount, currency, status, charge_id, collected_at, created_at)
       SELECT ${sqlId('pld', 'g')}, c.id, ${sqlId('prf', '((g % $2) * 31 + g / $2) % $3 + 1')}, 500 + (g * 13) % 20000, c.currency, s.status,
              CASE WHEN s.status IN ('COLLECTED', 'REFUNDED') THEN 'ch_seed_' || g END,
              CASE WHEN s.status IN ('COLLECTED', 'REFUNDED') THEN c.deadline END,
              c.launched_at + ((g * 7) % 2880) * interval '15 minutes'
         FROM generate_series(1, $1) g
         JOIN funding.campaigns c ON c.id = ${sqlId('cmp', 'g % $2 + 1')}
         CROSS JOIN LATERAL (SELECT CASE c.status
                                     WHEN 'SUCCESSFUL' THEN CASE WHEN g % 50 = 0 THEN 'REFUNDED' ELSE 'COLLECTED' END
                                     WHEN 'LIVE' THEN 'PENDING'
                                     ELSE 'CANCELED' END AS status) s`,
      [N, C, P],
    );
    await step(
      'contests',
      `INSERT INTO contest.contests (id, holder_id, title, brief, category, category_key, status, prize_amount, fee_amount, currency, guaranteed, blind,
                                     max_finalists, qualifying_round_seconds, final_round_seconds, entries_numbered, charge_id, opened_at, completed_at,
                                     canceled_at, refunded_at, created_at)
       SELECT ${sqlId('ctt', 'g')}, ${sqlId('prf', '(g * 53) % $2 + 1')}, 'Contest ' || g, 'brief', cat, lower(cat), status, prize, prize / 10,
              (ARRAY['EUR','USD','GBP'])[g % 3 + 1], g % 2 = 0, g % 5 = 0, 3, 345600, 259200, $3 / $1, 'ch_contest_' || g, opened,
              CASE WHEN status = 'COMPLETED' THEN opened + interval '20 days' END,
              CASE WHEN status = 'CANCELED' THEN opened + interval '5 days' END,
              CASE WHEN status = 'CANCELED' THEN opened + interval '5 days' END, opened - interval '1 day'
         FROM (SELECT g, ${categories}[g % 8 + 1] AS cat, 20000 + (g % 20) * 5000 AS prize,
                      (SELECT t0 FROM seed_epoch) + ((g::bigint * 6007) % (690 * 24)) * interval '1 hour' AS opened,
                      CASE WHEN g % 10 < 7 THEN 'COMPLETED' WHEN g % 10 = 7 THEN 'CANCELED' ELSE 'OPEN' END AS status
                 FROM generate_series(1, $1) g) k`,
      [K, P, E],
    );
    // Entry g is number n of contest g % K + 1: number 1 wins a completed contest, 2-4 are finalists.
    await step(
      'entries',
      `INSERT INTO contest.entries (id, contest_id, designer_id, number, status, rating, submitted_at)
       SELECT ${sqlId('ent', 'g')}, k.id, ${sqlId('prf', '(g * 101) % $3 + 1')}, n,
              CASE WHEN n = 1 AND k.status = 'COMPLETED' THEN 'WINNER' WHEN n <= 4 AND k.status <> 'CANCELED' THEN 'FINALIST'
                   WHEN k.status = 'OPEN' THEN 'ACTIVE' ELSE 'ELIMINATED' END,
              CASE WHEN g % 3 = 0 THEN NULL ELSE (g % 5) + 1 END, k.opened_at + (n % 96) * interval '1 hour'
         FROM (SELECT g, (g - 1) / $2 + 1 AS n FROM generate_series(1, $1) g) e
         JOIN contest.contests k ON k.id = ${sqlId('ctt', '(e.g - 1) % $2 + 1')}`,
      [E, K, P],
    );
    await step(
      'prize awards',
      `INSERT INTO contest.prize_awards (contest_id, designer_id, kind, amount, currency, payout_id, created_at)
       SELECT DISTINCT ON (k.id) k.id, e.designer_id, 'WINNER', k.prize_amount, k.currency, 'pay_' || k.id, k.completed_at
         FROM contest.contests k JOIN contest.entries e ON e.contest_id = k.id AND e.status = 'WINNER'
        WHERE k.status = 'COMPLETED' ORDER BY k.id`,
    );

    // The ledger: every movement the modules would have written, balanced.
    await step(
      'ledger: pledges',
      `WITH moves AS (
         SELECT 'jre_c' || p.id AS entry_id, 'pledge.collected' AS kind, p.id AS reference, p.collected_at AS at, p.amount, p.currency,
                'external:stripe' AS source, 'campaign:' || p.campaign_id || ':escrow' AS target
           FROM funding.pledges p WHERE p.status IN ('COLLECTED', 'REFUNDED')
         UNION ALL
         SELECT 'jre_r' || p.id, 'pledge.refunded', p.id, p.collected_at + interval '3 days', p.amount, p.currency,
                'campaign:' || p.campaign_id || ':escrow', 'external:stripe'
           FROM funding.pledges p WHERE p.status = 'REFUNDED'),
       entries AS (INSERT INTO payments.journal_entries (id, kind, reference, created_at) SELECT entry_id, kind, reference, at FROM moves)
       INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency, created_at)
       SELECT entry_id || ':1', entry_id, source, -amount, currency, at FROM moves
       UNION ALL SELECT entry_id || ':2', entry_id, target, amount, currency, at FROM moves`,
    );
    await step(
      'ledger: campaign payouts',
      `WITH payouts AS (
         SELECT c.id, c.creator_id, c.currency, c.ended_at + interval '14 days' AS at, sum(p.amount) AS gross, sum(p.amount) * 5 / 100 AS fee
           FROM funding.campaigns c JOIN funding.pledges p ON p.campaign_id = c.id AND p.status = 'COLLECTED'
          WHERE c.status = 'SUCCESSFUL' GROUP BY c.id),
       entries AS (INSERT INTO payments.journal_entries (id, kind, reference, created_at) SELECT 'jre_p' || id, 'campaign.payout', id, at FROM payouts)
       INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency, created_at)
       SELECT 'jre_p' || id || ':1', 'jre_p' || id, 'campaign:' || id || ':escrow', -gross, currency, at FROM payouts
       UNION ALL SELECT 'jre_p' || id || ':2', 'jre_p' || id, 'platform:fees', fee, currency, at FROM payouts WHERE fee > 0
       UNION ALL SELECT 'jre_p' || id || ':3', 'jre_p' || id, 'profile:' || creator_id || ':payable', gross - fee, currency, at FROM payouts`,
    );
    await step(
      'ledger: contests',
      `WITH moves AS (
         SELECT 'jre_o' || k.id AS entry_id, 'contest.opened' AS kind, k.id, k.opened_at AS at, k.currency,
                ARRAY['external:stripe', 'contest:' || k.id || ':escrow', 'platform:fees'] AS accounts,
                ARRAY[-(k.prize_amount + k.fee_amount), k.prize_amount, k.fee_amount] AS amounts
           FROM contest.contests k
         UNION ALL
         SELECT 'jre_x' || k.id, 'contest.refunded', k.id, k.refunded_at, k.currency,
                ARRAY['external:stripe', 'contest:' || k.id || ':escrow', 'platform:fees'],
                ARRAY[k.prize_amount + k.fee_amount, -k.prize_amount, -k.fee_amount]
           FROM contest.contests k WHERE k.status = 'CANCELED'
         UNION ALL
         SELECT 'jre_w' || a.contest_id, 'contest.prize_awarded', a.contest_id, a.created_at, a.currency,
                ARRAY['contest:' || a.contest_id || ':escrow', 'profile:' || a.designer_id || ':payable'], ARRAY[-a.amount, a.amount]
           FROM contest.prize_awards a),
       entries AS (INSERT INTO payments.journal_entries (id, kind, reference, created_at) SELECT entry_id, kind, id, at FROM moves)
       INSERT INTO payments.postings (id, journal_entry_id, account, amount, currency, created_at)
       SELECT m.entry_id || ':' || i, m.entry_id, m.accounts[i], m.amounts[i], m.currency, m.at
         FROM moves m CROSS JOIN LATERAL generate_subscripts(m.accounts, 1) i`,
    );
    await step(
      'ledger: balances',
      `INSERT INTO payments.account_balances (account, currency, balance)
       SELECT account, currency, sum(amount) FROM payments.postings GROUP BY account, currency
       ON CONFLICT (account, currency) DO UPDATE SET balance = EXCLUDED.balance`,
    );
    await client.query(`SET session_replication_role = origin`);
    await step('analytics rollups', REBUILD_ROLLUPS);
    await step('analyze', `ANALYZE`);
    // As autovacuum would have by the time anyone exports: pledges.csv is an index-only scan of
    // the movements, which reads the table itself for rows not yet marked all-visible.
    await step('vacuum movements', `VACUUM analytics.movements`);
    return timings;
  } finally {
    await client.query(`RESET session_replication_role`).catch(() => undefined);
    client.release();
  }
}

/** The analytics rollups built once from the source rows, as the AnalyticsInit migration's backfill does. */
const REBUILD_ROLLUPS = `
  TRUNCATE analytics.first_pledges, analytics.pledge_hours, analytics.movement_hours, analytics.activity_days, analytics.designer_stats,
    analytics.profile_activity, analytics.movements;
  INSERT INTO analytics.first_pledges (backer_id, first_pledge_at) SELECT backer_id, min(created_at) FROM funding.pledges GROUP BY backer_id;
  INSERT INTO analytics.pledge_hours (hour, currency, pledges, pledged, new_backers)
    SELECT date_trunc('hour', p.created_at, 'UTC'), p.currency, count(*), sum(p.amount),
           count(*) FILTER (WHERE f.first_pledge_at = p.created_at)
      FROM funding.pledges p JOIN analytics.first_pledges f ON f.backer_id = p.backer_id GROUP BY 1, 2;
  INSERT INTO analytics.movement_hours (hour, kind, currency, gross, fees)
    SELECT date_trunc('hour', e.created_at, 'UTC'), e.kind, p.currency,
           coalesce(sum(analytics.movement_sign(e.kind) * p.amount) FILTER (WHERE p.amount > 0), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.account = 'platform:fees'), 0)
      FROM payments.journal_entries e JOIN payments.postings p ON p.journal_entry_id = e.id GROUP BY 1, 2, 3;
  INSERT INTO analytics.activity_days (day, role, profile_id)
    SELECT DISTINCT date_trunc('day', created_at, 'UTC'), 'backer', backer_id FROM funding.pledges
    UNION SELECT DISTINCT date_trunc('day', submitted_at, 'UTC'), 'designer', designer_id FROM contest.entries
    UNION SELECT DISTINCT date_trunc('day', launched_at, 'UTC'), 'creator', creator_id FROM funding.campaigns WHERE launched_at IS NOT NULL
    UNION SELECT DISTINCT date_trunc('day', opened_at, 'UTC'), 'holder', holder_id FROM contest.contests WHERE opened_at IS NOT NULL;
  INSERT INTO analytics.designer_stats (designer_id, entries, finalists, wins, rating_sum, ratings)
    SELECT e.designer_id, count(*), count(*) FILTER (WHERE e.status IN ('FINALIST', 'WINNER')),
           coalesce((SELECT count(*) FROM contest.prize_awards a WHERE a.designer_id = e.designer_id), 0),
           coalesce(sum(e.rating), 0), count(e.rating)
      FROM contest.entries e GROUP BY e.designer_id;
  ${BACKFILL_PROFILE_ACTIVITY};
  ${BACKFILL_MOVEMENTS_WITH_PLEDGES};`;
