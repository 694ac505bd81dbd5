/**
 * For a newcomer with a browser, outside production: `/dev` says how to sign in as the demo crowd
 * and links to the IDE and the web client (served at `/`, see web-client.ts), and `GET /graphql` asked for HTML (a browser's address bar) answers
 * GraphiQL, served from our own routes out of node_modules (no CDN: many networks cannot
 * reach one). GraphiQL posts JSON, so Apollo's CSRF prevention stays on for every operation.
 * The packages are devDependencies: where they are not installed (a production image run in
 * development mode), the pages are simply not there.
 */
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import path from 'node:path';
import { DEMO_PASSWORD, DEMO_PEOPLE } from './demo-seed';

/** What GraphiQL needs in the page, from the packages' prebuilt browser files (UMD). */
const ASSETS: Record<string, { packageName: string; file: string; type: string }> = {
  'react.js': { packageName: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { packageName: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { packageName: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { packageName: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

const DEMO_EMAIL = `${DEMO_PEOPLE[0].handle}@demo.foule.test`;

const DEFAULT_QUERY = `# Sign in as a demo profile, then put the access token in Headers below:
#   { "authorization": "Bearer <accessToken>" }
mutation SignIn {
  signIn(input: { email: "${DEMO_EMAIL}", password: "${DEMO_PASSWORD}" }) {
    accessToken
    profile { handle displayName email }
  }
}

query LiveCampaigns {
  campaigns(first: 5) {
    edges { node { title status pledged { amount currency } } }
  }
}
`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function idePage(): string {
  // JSON in a script element: "<" escaped so that no string can close the element.
  const defaultQuery = JSON.stringify(DEFAULT_QUERY).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Foule GraphQL IDE</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql', subscriptionUrl: location.origin.replace(/^http/, 'ws') + '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${defaultQuery}, defaultEditorToolbarTab: 'headers' }),
    );
  </script>
</body>
</html>`;
}

function homePage(): string {
  const people = DEMO_PEOPLE.map(
    (person) => `<li><code>${escapeHtml(person.handle)}@demo.foule.test</code>: ${escapeHtml(person.displayName)}, ${escapeHtml(person.bio)}</li>`,
  ).join('\n      ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Foule</title>
  <style>body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }</style>
</head>
<body>
  <h1>Foule</h1>
  <p>One platform for what a crowd does for a creator: fund it and design for it. Open the
  <a href="/">web client</a> to try it as a person would, or the <a href="/graphql">GraphQL IDE</a>
  to explore the schema and run queries.</p>
  <h2>Demo crowd</h2>
  <p>On an empty embedded database, <code>npm start</code> seeds these profiles (unless <code>SEED_DEMO=false</code>),
  all with the password <code>${escapeHtml(DEMO_PASSWORD)}</code>:</p>
  <ul>
      ${people}
  </ul>
  <p>In the IDE, run the prepared <code>signIn</code> mutation and put its access token in the Headers tab as
  <code>{"authorization": "Bearer &lt;accessToken&gt;"}</code>. Payments run in the sandbox: pledge with
  <code>pm_card_visa</code> (other test cards are in the README).</p>
  <p>This page and the IDE exist only outside production (<code>NODE_ENV=production</code> turns them off).</p>
</body>
</html>`;
}

/** Where each asset lives on disk, or undefined when the IDE's packages are not installed. */
function resolveAssets(): Record<string, string> | undefined {
  try {
    // From each package's folder: graphiql's `exports` does not list its browser build.
    const folder = (packageName: string) => path.dirname(require.resolve(`${packageName}/package.json`));
    return Object.fromEntries(Object.entries(ASSETS).map(([name, asset]) => [name, path.join(folder(asset.packageName), asset.file)]));
  } catch {
    return undefined;
  }
}

/** The pages, for any environment but production; undefined when GraphiQL is not installed. */
export function developerPages(): express.Router | undefined {
  const files = resolveAssets();
  if (!files) return undefined;
  const router = express.Router();
  const home = homePage();
  const ide = idePage();
  router.get('/dev', (_request, response) => void response.type('html').send(home));
  router.get('/graphql', (request: Request, response: Response, next: NextFunction) => {
    // Only a page load: GraphQL over GET (a query string) and WebSocket upgrades go on to Apollo.
    const pageLoad = Object.keys(request.query).length === 0 && request.accepts(['application/json', 'text/html']) === 'text/html';
    if (!pageLoad) return next();
    response.type('html').send(ide);
  });
  router.get('/graphiql/:asset', (request: Request<{ asset: string }>, response: Response, next: NextFunction) => {
    const file = files[request.params.asset];
    if (!file) return next();
    response.type(ASSETS[request.params.asset].type).sendFile(file, { maxAge: '1h' });
  });
  return router;
}
