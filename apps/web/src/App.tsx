/** The shell: header with navigation and the viewer's notifications, then the page for the address. */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Provider, useMutation, useQuery, useSubscription } from 'urql';
import { createClient } from './client';
import { developerPagesServed } from './developer-pages';
import { WebNotificationAddedDocument, WebNotificationsDocument, WebSignOutDocument } from './graphql';
import { Link, navigate, useLocation } from './router';
import { getSession, onSessionChange, setSession, type Session } from './session';
import { Loading } from './ui';

// Each page module is its own chunk, fetched when its page is first shown (the opened address's
// chunk is preloaded by index.html: PAGE_MODULES in vite.config.mjs).
const AuthPage = lazy(() => import('./pages/Auth').then((module) => ({ default: module.AuthPage })));
const CampaignPage = lazy(() => import('./pages/Campaign').then((module) => ({ default: module.CampaignPage })));
const ContestPage = lazy(() => import('./pages/Contest').then((module) => ({ default: module.ContestPage })));
const DiscoverPage = lazy(() => import('./pages/Discover').then((module) => ({ default: module.DiscoverPage })));
const VerifyEmailPage = lazy(() => import('./pages/EmailLinks').then((module) => ({ default: module.VerifyEmailPage })));
const ForgotPasswordPage = lazy(() => import('./pages/EmailLinks').then((module) => ({ default: module.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import('./pages/EmailLinks').then((module) => ({ default: module.ResetPasswordPage })));
const ProfilePage = lazy(() => import('./pages/Profile').then((module) => ({ default: module.ProfilePage })));
const SettingsPage = lazy(() => import('./pages/Settings').then((module) => ({ default: module.SettingsPage })));

function useSession(): Session | null {
  const [session, set] = useState(getSession());
  useEffect(() => onSessionChange(set), []);
  return session;
}

export function App() {
  const session = useSession();
  const viewerId = session?.profile.id ?? 'anonymous';
  // A new client (and cache) for each viewer: nothing one profile saw is shown to the next.
  const made = useMemo(() => createClient(), [viewerId]);
  // The replaced client's WebSocket is closed (not in an effect's cleanup: StrictMode runs those
  // on a client still in use).
  const previous = useRef(made);
  useEffect(() => {
    if (previous.current !== made) previous.current.dispose();
    previous.current = made;
  }, [made]);
  const { client } = made;
  return (
    <Provider value={client}>
      <Shell session={session} />
    </Provider>
  );
}

function UnreadBadge() {
  const [{ data }, refetch] = useQuery({ query: WebNotificationsDocument, variables: { first: 1 } });
  useSubscription({ query: WebNotificationAddedDocument }, (_previous, next) => {
    refetch({ requestPolicy: 'network-only' });
    return next;
  });
  const unread = data?.unread.totalCount ?? 0;
  return (
    <span className="badge" aria-label={`${unread} unread notifications`} data-testid="unread-count">
      {unread}
    </span>
  );
}

function Shell({ session }: { session: Session | null }) {
  const { path } = useLocation();
  const [, signOut] = useMutation(WebSignOutDocument);
  const leave = async () => {
    await signOut({});
    setSession(null);
    navigate('/');
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Foule
        </Link>
        <nav aria-label="Main">
          <Link to="/">Discover</Link>
          {session ? (
            <>
              <Link to={`/profiles/${session.profile.handle}`} data-testid="me">
                {session.profile.displayName} <UnreadBadge />
              </Link>
              <Link to="/settings">Settings</Link>
              <button type="button" className="link" onClick={() => void leave()}>
                Sign out
              </button>
            </>
          ) : (
            <>
              <Link to="/sign-in">Sign in</Link>
              <Link to="/sign-up">Sign up</Link>
            </>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Page path={path} />
        </Suspense>
      </main>
      <footer className="bottom">
        A reference client of the Foule GraphQL API.
        {developerPagesServed() && (
          <>
            {' '}
            Developers: <a href="/dev">demo sign-ins</a>, <a href="/graphql">GraphQL IDE</a>.
          </>
        )}
      </footer>
    </>
  );
}

/** The page for the address (vite.config.mjs's PAGE_MODULES names each first segment's module, to preload it). */
function Page({ path }: { path: string }) {
  const [, section, id] = path.split('/').map(decodeURIComponent);
  switch (section) {
    case '':
      return <DiscoverPage />;
    case 'campaigns':
      return <CampaignPage key={id} id={id} />;
    case 'contests':
      return <ContestPage key={id} id={id} />;
    case 'profiles':
      return <ProfilePage key={id} handle={id} />;
    case 'settings':
      return <SettingsPage />;
    case 'sign-in':
      return <AuthPage mode="sign-in" />;
    case 'sign-up':
      return <AuthPage mode="sign-up" />;
    case 'verify-email':
      return <VerifyEmailPage />;
    case 'forgot-password':
      return <ForgotPasswordPage />;
    case 'reset-password':
      return <ResetPasswordPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page here. <Link to="/">Discover campaigns and contests</Link>.
          </p>
        </section>
      );
  }
}
