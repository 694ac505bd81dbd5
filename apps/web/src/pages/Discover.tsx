/** Discover: campaigns and contests by status and category, with search and keyset paging ("More"). */
import { useState } from 'react';
import { useQuery } from 'urql';
import { shownError } from '../errors';
import { WebCampaignsDocument, WebContestsDocument, type CampaignStatus, type ContestStatus } from '../graphql';
import { Link } from '../router';
import { Countdown, ErrorNote, Loading, Status } from '../ui';

const CAMPAIGN_STATUSES: CampaignStatus[] = ['LIVE', 'SUCCESSFUL', 'FAILED', 'CANCELED'];
const CONTEST_STATUSES: ContestStatus[] = ['OPEN', 'FINALIST_SELECTION', 'FINAL_ROUND', 'WINNER_SELECTION', 'HANDOVER', 'COMPLETED', 'CANCELED'];
const PAGE = 12;

export function DiscoverPage() {
  const [kind, setKind] = useState<'campaigns' | 'contests'>('campaigns');
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState('');
  return (
    <section>
      <h1>Discover</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="tabs" role="group" aria-label="What to show">
          <button type="button" aria-pressed={kind === 'campaigns'} onClick={() => (setKind('campaigns'), setStatus(''))}>
            Campaigns
          </button>
          <button type="button" aria-pressed={kind === 'contests'} onClick={() => (setKind('contests'), setStatus(''))}>
            Contests
          </button>
        </div>
        {kind === 'campaigns' && (
          <label>
            Search <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="words of the title" />
          </label>
        )}
        <label>
          Category <input value={category} onChange={(event) => setCategory(event.target.value)} placeholder="any" />
        </label>
        <label>
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">any</option>
            {(kind === 'campaigns' ? CAMPAIGN_STATUSES : CONTEST_STATUSES).map((value) => (
              <option key={value} value={value}>
                {value.replace(/_/g, ' ').toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </form>
      {kind === 'campaigns' ? (
        <CampaignPages key={`${search}|${category}|${status}`} search={search} category={category} status={status as CampaignStatus | ''} />
      ) : (
        <ContestPages key={`${category}|${status}`} category={category} status={status as ContestStatus | ''} />
      )}
    </section>
  );
}

function CampaignPages({ search, category, status }: { search: string; category: string; status: CampaignStatus | '' }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <ul className="cards" aria-label="Campaigns">
      {cursors.map((after, index) => (
        <CampaignPage
          key={after ?? 'first'}
          after={after}
          filter={{ search: search || undefined, category: category || undefined, status: status || undefined }}
          onMore={index === cursors.length - 1 ? (cursor) => setCursors([...cursors, cursor]) : undefined}
        />
      ))}
    </ul>
  );
}

function CampaignPage({
  after,
  filter,
  onMore,
}: {
  after: string | null;
  filter: { search?: string; category?: string; status?: CampaignStatus };
  onMore?: (cursor: string) => void;
}) {
  const [{ data, fetching, error }] = useQuery({ query: WebCampaignsDocument, variables: { first: PAGE, after, filter } });
  if (fetching && !data) return <Loading />;
  if (error) return <ErrorNote error={shownError(error)} />;
  const page = data?.campaigns;
  if (!page) return null;
  return (
    <>
      {page.edges.length === 0 && !after && <li className="empty">No campaign matches.</li>}
      {page.edges.map(({ node }) => (
        <li key={node.id} className="card">
          <h2>
            <Link to={`/campaigns/${node.id}`}>{node.title}</Link>
          </h2>
          <p>{node.blurb}</p>
          <Meter percent={node.percentFunded} />
          <p className="meta">
            <Status value={node.status} /> {node.category} · {node.pledged.formatted} of {node.goal.formatted} · {node.backersCount} backers ·{' '}
            {node.status === 'LIVE' && <Countdown to={node.deadline} />}
          </p>
        </li>
      ))}
      {onMore && page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
        <li className="more">
          <button type="button" onClick={() => onMore(page.pageInfo.endCursor!)}>
            More campaigns
          </button>
        </li>
      )}
    </>
  );
}

function ContestPages({ category, status }: { category: string; status: ContestStatus | '' }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <ul className="cards" aria-label="Contests">
      {cursors.map((after, index) => (
        <ContestPage
          key={after ?? 'first'}
          after={after}
          category={category}
          status={status}
          onMore={index === cursors.length - 1 ? (cursor) => setCursors([...cursors, cursor]) : undefined}
        />
      ))}
    </ul>
  );
}

function ContestPage({ after, category, status, onMore }: { after: string | null; category: string; status: ContestStatus | ''; onMore?: (cursor: string) => void }) {
  const [{ data, fetching, error }] = useQuery({
    query: WebContestsDocument,
    variables: { first: PAGE, after, category: category || undefined, status: status || undefined },
  });
  if (fetching && !data) return <Loading />;
  if (error) return <ErrorNote error={shownError(error)} />;
  const page = data?.contests;
  if (!page) return null;
  return (
    <>
      {page.edges.length === 0 && !after && <li className="empty">No contest matches.</li>}
      {page.edges.map(({ node }) => (
        <li key={node.id} className="card">
          <h2>
            <Link to={`/contests/${node.id}`}>{node.title}</Link>
          </h2>
          <p className="meta">
            <Status value={node.status} /> {node.category} · prize {node.prize.formatted} · {node.entriesCount} entries by {node.designersCount} designers{' '}
            {node.status === 'OPEN' && <Countdown to={node.qualifyingEndsAt} />}
          </p>
        </li>
      ))}
      {onMore && page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
        <li className="more">
          <button type="button" onClick={() => onMore(page.pageInfo.endCursor!)}>
            More contests
          </button>
        </li>
      )}
    </>
  );
}

export function Meter({ percent }: { percent: number }) {
  const shown = Math.round(percent);
  return (
    <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(100, shown)} aria-label={`${shown}% funded`}>
      <div className="meter-fill" style={{ width: `${Math.min(100, percent)}%` }} />
      <span>{shown}% funded</span>
    </div>
  );
}
