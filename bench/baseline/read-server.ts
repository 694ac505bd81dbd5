/**
 * The bare baseline of the read benchmark (issue 13 §1): node:http + graphql-js + pg, no
 * framework, answering the campaign list of `bench/read-throughput.bench.ts` from the same
 * database with the same batched SQL as Foule: one page statement (the same visibility rule,
 * keyset order and LIMIT), a COUNT only when `totalCount` is asked, and one statement per
 * kind of child through a per-request DataLoader (creators, the two totals, tiers). Nothing
 * is cached between requests: every request runs its SQL.
 *
 * It answers only the part of the schema the benchmark asks for, in the contract's shape.
 * Run: DATABASE_URL=... PORT=... node dist-testing/bench/baseline/read-server.js
 */
import http from 'node:http';
import DataLoader from 'dataloader';
import { graphql, buildSchema, type GraphQLSchema } from 'graphql';
import { Pool } from 'pg';

const LIVE = `('PENDING', 'COLLECTED', 'PAYMENT_FAILED')`;
const MAX_PAGE_SIZE = 100;

const schema: GraphQLSchema = buildSchema(`
  type Query { campaigns(first: Int = 20, after: String): CampaignConnection! }
  type CampaignConnection { edges: [CampaignEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type CampaignEdge { cursor: String! node: Campaign! }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type Campaign { id: ID! title: String! creator: Profile! pledged: Money! rewardTiers: [RewardTier!]! }
  type Profile { id: ID! handle: String! displayName: String! }
  type Money { amount: Int! currency: String! }
  type RewardTier { id: ID! title: String! limit: Int remaining: Int }
`);

interface CampaignRow {
  id: string;
  title: string;
  creator_id: string;
  currency: string;
}
interface TierRow {
  id: string;
  campaign_id: string;
  title: string;
  quantity_limit: number | null;
  claimed: number;
}
interface ProfileRow {
  id: string;
  handle: string;
  display_name: string;
}

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, application_name: 'foule-bench-baseline' });

// Foule's cursor format (libs/shared/src/graphql/cursor.ts), so both hand out the same cursors.
const encodeCursor = (id: string) => Buffer.from(`c:${id}`, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').slice(2);

/** The same rule as Foule's visibleCampaignSql for an anonymous viewer ($1 = ''). */
const VISIBLE = `(c.status <> 'DRAFT' OR c.prelaunch_at IS NOT NULL OR c.creator_id = $1
  OR EXISTS (SELECT 1 FROM funding.campaign_collaborators cc WHERE cc.campaign_id = c.id AND cc.profile_id = $1))`;

function requestLoaders() {
  return {
    profile: new DataLoader<string, ProfileRow | null>(async (ids) => {
      const { rows } = await pool.query<ProfileRow>('SELECT id, handle, display_name FROM community.profiles WHERE id = ANY($1)', [ids]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    pledged: new DataLoader<string, number>(async (ids) => {
      // Foule's totals: the live pledges, then what pledges over time collected (two statements).
      const [live] = await Promise.all([
        pool.query<{ campaign_id: string; pledged: string }>(
          `SELECT campaign_id, sum(amount) AS pledged,
                  coalesce(sum(amount) FILTER (WHERE status = 'COLLECTED' AND payment_plan = 'PAY_IN_FULL'), 0) AS collected,
                  coalesce(sum(amount) FILTER (WHERE status = 'PENDING'), 0) AS pending, count(*) AS backers
             FROM funding.pledges WHERE campaign_id = ANY($1) AND status IN ${LIVE} GROUP BY campaign_id`,
          [ids],
        ),
        pool.query(
          `SELECT campaign_id, sum(amount) AS collected FROM funding.pledge_increments
            WHERE campaign_id = ANY($1) AND state = 'COLLECTED' GROUP BY campaign_id`,
          [ids],
        ),
      ]);
      const byId = new Map(live.rows.map((row) => [row.campaign_id, Number(row.pledged)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
    tiers: new DataLoader<string, TierRow[]>(async (ids) => {
      const { rows } = await pool.query<TierRow>(
        `SELECT id, campaign_id, title, quantity_limit, claimed FROM funding.reward_tiers
          WHERE campaign_id = ANY($1) AND removed_at IS NULL ORDER BY minimum ASC, id ASC`,
        [ids],
      );
      const groups = new Map<string, TierRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) groups.get(row.campaign_id)?.push(row);
      return ids.map((id) => groups.get(id) ?? []);
    }),
  };
}

type Loaders = ReturnType<typeof requestLoaders>;

const rootValue = {
  async campaigns({ first, after }: { first: number; after?: string | null }) {
    const size = Math.max(0, Math.min(first ?? 20, MAX_PAGE_SIZE));
    const params: unknown[] = [''];
    let where = VISIBLE;
    if (after) {
      params.push(decodeCursor(after));
      where += ` AND c.id < $2`;
    }
    params.push(size + 1);
    const { rows } = await pool.query<CampaignRow>(
      `SELECT c.id, c.title, c.creator_id, c.currency FROM funding.campaigns c WHERE ${where} ORDER BY c.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, size);
    const edges = page.map((row) => ({ cursor: encodeCursor(row.id), node: campaignNode(row) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      // Resolved only when asked, as in any graphql-js server with a function field.
      totalCount: async () => {
        const { rows: counted } = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM funding.campaigns c WHERE ${VISIBLE}`, ['']);
        return counted[0].count;
      },
    };
  },
};

function campaignNode(row: CampaignRow) {
  return {
    id: row.id,
    title: row.title,
    creator: async (_args: unknown, loaders: Loaders) => {
      const profile = await loaders.profile.load(row.creator_id);
      return profile && { id: profile.id, handle: profile.handle, displayName: profile.display_name };
    },
    pledged: async (_args: unknown, loaders: Loaders) => ({ amount: await loaders.pledged.load(row.id), currency: row.currency }),
    rewardTiers: async (_args: unknown, loaders: Loaders) =>
      (await loaders.tiers.load(row.id)).map((tier) => ({
        id: tier.id,
        title: tier.title,
        limit: tier.quantity_limit,
        remaining: tier.quantity_limit === null ? null : Math.max(0, tier.quantity_limit - tier.claimed),
      })),
  };
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/ready') return send(response, 200, { status: 'ready' });
  if (request.method !== 'POST' || request.url !== '/graphql') return send(response, 404, { errors: [{ message: 'not found' }] });
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let body: { query?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(response, 400, { errors: [{ message: 'The request body is not valid JSON' }] });
    }
    graphql({ schema, source: body.query ?? '', rootValue, contextValue: requestLoaders(), variableValues: body.variables })
      .then((result) => send(response, 200, result))
      .catch((error: unknown) => send(response, 500, { errors: [{ message: String(error) }] }));
  });
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 4000), '127.0.0.1');

const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
