/**
 * The signed-in session: tokens in localStorage (so a reload stays signed in), the refresh
 * token rotated silently before the access token expires and whenever the api answers
 * UNAUTHENTICATED to a request that carried a token. One refresh at a time: concurrent callers
 * share it (the api rotates refresh tokens, and reusing a spent one ends the session).
 */
export interface SessionProfile {
  id: string;
  handle: string;
  displayName: string;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  profile: SessionProfile;
}

const KEY = 'foule.session';
const listeners = new Set<(session: Session | null) => void>();
let current: Session | null = read();
let refreshing: Promise<Session | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function read(): Session | null {
  try {
    const stored = localStorage.getItem(KEY);
    return stored ? (JSON.parse(stored) as Session) : null;
  } catch {
    return null;
  }
}

export const getSession = (): Session | null => current;

export function setSession(session: Session | null): void {
  current = session;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  schedule();
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab signed in, out or rotated the tokens: take its session.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = read();
  schedule();
  for (const listener of listeners) listener(current);
});

const REFRESH = `mutation WebSilentRefresh($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken expiresAt profile { id handle displayName } }
}`;

/** Trades the refresh token for a new pair; signs out when the api refuses it. */
export function refreshSession(): Promise<Session | null> {
  if (refreshing) return refreshing;
  const spent = current;
  if (!spent) return Promise.resolve(null);
  refreshing = (async () => {
    try {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: REFRESH, variables: { refreshToken: spent.refreshToken } }),
      });
      const body = (await response.json()) as { data?: { refreshSession: Session } | null; errors?: { extensions?: { code?: string } }[] };
      if (body.data?.refreshSession) {
        setSession(body.data.refreshSession);
        return current;
      }
      // Another tab may have rotated first: its session is in storage.
      const stored = read();
      if (stored && stored.refreshToken !== spent.refreshToken) {
        setSession(stored);
        return current;
      }
      const code = body.errors?.[0]?.extensions?.code;
      if (code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT' || code === 'NOT_FOUND') setSession(null);
      return current;
    } catch {
      return current; // offline: keep the session, try again later
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Refreshes a minute before the access token expires (or at half its life, if shorter). */
function schedule(): void {
  clearTimeout(timer);
  if (!current) return;
  const left = new Date(current.expiresAt).getTime() - Date.now();
  const wait = Math.max(1_000, Math.min(left - 60_000, left / 2));
  timer = setTimeout(() => void refreshSession(), wait);
}
schedule();
