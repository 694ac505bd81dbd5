/** A profile: the one set of crowd stats, its campaigns, contests and entries; for its owner, the notifications, live. */
import { useMutation, useQuery, useSubscription } from 'urql';
import { shownError } from '../errors';
import { WebMarkNotificationsReadDocument, WebNotificationAddedDocument, WebNotificationsDocument, WebProfileDocument } from '../graphql';
import { Link } from '../router';
import { getSession } from '../session';
import { ErrorNote, Loading, Status } from '../ui';

export function ProfilePage({ handle }: { handle: string }) {
  const [{ data, fetching, error }] = useQuery({ query: WebProfileDocument, variables: { handle } });
  if (fetching && !data) return <Loading />;
  if (error) return <ErrorNote error={shownError(error)} />;
  const profile = data?.profile;
  if (!profile)
    return (
      <section>
        <h1>No profile @{handle}</h1>
        <Link to="/">Discover</Link>
      </section>
    );
  const { stats } = profile;
  const own = getSession()?.profile.id === profile.id;
  return (
    <article className="profile">
      <header>
        <h1>{profile.displayName}</h1>
        <p className="meta">
          @{profile.handle} · {profile.followersCount} followers · following {profile.followingCount}
        </p>
        {profile.bio && <p className="lead">{profile.bio}</p>}
        {own && (
          <p>
            <Link to="/settings">Email notification settings</Link>
          </p>
        )}
      </header>
      <section className="figures" aria-label="Crowd stats">
        <dl>
          <div>
            <dt>Campaigns created</dt>
            <dd>{stats.campaignsCreated}</dd>
          </div>
          <div>
            <dt>Campaigns backed</dt>
            <dd>{stats.campaignsBacked}</dd>
          </div>
          <div>
            <dt>Contests held</dt>
            <dd>{stats.contestsHeld}</dd>
          </div>
          <div>
            <dt>Entries</dt>
            <dd>{stats.entriesSubmitted}</dd>
          </div>
          <div>
            <dt>Contests won</dt>
            <dd>{stats.contestsWon}</dd>
          </div>
          <div>
            <dt>Prize money</dt>
            <dd>{stats.prizeMoneyWon.map((money) => money.formatted).join(', ') || '-'}</dd>
          </div>
        </dl>
      </section>
      <div className="columns">
        <div>
          <section aria-labelledby="p-campaigns">
            <h2 id="p-campaigns">Campaigns</h2>
            <ul className="plain">
              {profile.campaigns.edges.length === 0 && <li className="meta">None.</li>}
              {profile.campaigns.edges.map(({ node }) => (
                <li key={node.id}>
                  <Link to={`/campaigns/${node.id}`}>{node.title}</Link> <Status value={node.status} /> {Math.round(node.percentFunded)}%
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="p-contests">
            <h2 id="p-contests">Contests</h2>
            <ul className="plain">
              {profile.contests.edges.length === 0 && <li className="meta">None.</li>}
              {profile.contests.edges.map(({ node }) => (
                <li key={node.id}>
                  <Link to={`/contests/${node.id}`}>{node.title}</Link> <Status value={node.status} />
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="p-entries">
            <h2 id="p-entries">Entries</h2>
            <ul className="plain">
              {profile.entries.edges.length === 0 && <li className="meta">None.</li>}
              {profile.entries.edges.map(({ node }) => (
                <li key={node.id}>
                  <Link to={`/contests/${node.contest.id}`}>
                    #{node.number} {node.title} in {node.contest.title}
                  </Link>{' '}
                  <Status value={node.status} />
                </li>
              ))}
            </ul>
          </section>
        </div>
        <aside>{own && <Notifications />}</aside>
      </div>
    </article>
  );
}

function Notifications() {
  const [{ data }, refetch] = useQuery({ query: WebNotificationsDocument, variables: { first: 20 } });
  useSubscription({ query: WebNotificationAddedDocument }, (_previous, next) => {
    refetch({ requestPolicy: 'network-only' });
    return next;
  });
  const [marked, markRead] = useMutation(WebMarkNotificationsReadDocument);
  const unread = data?.unread.totalCount ?? 0;
  return (
    <section aria-labelledby="notifications">
      <h2 id="notifications">
        Notifications <span className="badge">{unread} unread</span>
      </h2>
      {unread > 0 && (
        <button type="button" disabled={marked.fetching} onClick={() => void markRead({}).then(() => refetch({ requestPolicy: 'network-only' }))}>
          Mark all read
        </button>
      )}
      <ul className="plain notifications" aria-live="polite" data-testid="notifications">
        {data?.notifications.edges.length === 0 && <li className="meta">Nothing yet.</li>}
        {data?.notifications.edges.map(({ node }) => (
          <li key={node.id} className={node.read ? undefined : 'unread'}>
            {node.message}
            <br />
            <span className="meta">
              {node.kind.replace(/_/g, ' ').toLowerCase()} · {new Date(node.createdAt).toLocaleString()}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
