/**
 * The reference web client (apps/web), built by `node scripts/build.mjs` into dist/web and
 * served here at `/`, in every environment: its files, and its index.html for any page address
 * a browser opens (`/campaigns/<id>`, `/verify-email?token=...`), so links and reloads work. The
 * api's own routes (GraphQL, uploads, files, health, webhooks, the developer pages) are never
 * answered with the page. Where the client was not built, nothing is served and the api runs as
 * before.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** dist/web, beside dist/apps/api/src (this file's compiled folder). */
export const WEB_DIST = path.resolve(__dirname, '..', '..', '..', 'web');

/** Paths of the api itself: a browser asking for one of them gets the api's answer, never the page. */
const API_PREFIXES = ['/graphql', '/graphiql', '/uploads', '/files', '/health', '/ready', '/webhooks', '/dev'];

const isApiPath = (pathname: string) => API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));

/** The content types of the files the build also writes compressed (apps/web/vite.config.mjs). */
const COMPRESSED_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The file extension of each encoding the build writes, best first (brotli is the smaller). */
const ENCODINGS = [
  { name: 'br', extension: '.br' },
  { name: 'gzip', extension: '.gz' },
] as const;

/**
 * Sends `<asset>.br` or `<asset>.gz` when the build wrote one and the browser accepts it (the
 * client's JS is about a third of its size in gzip, a quarter in brotli); anything else falls
 * through to the plain file.
 */
function precompressedAssets(assetsDir: string): express.RequestHandler {
  const files = new Set(existsSync(assetsDir) ? readdirSync(assetsDir) : []);
  return (request, response, next) => {
    const name = path.basename(request.path);
    const type = COMPRESSED_TYPES[path.extname(name)];
    if (!type || request.path !== `/${name}` || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    const offered = ENCODINGS.filter((encoding) => files.has(name + encoding.extension));
    if (offered.length === 0) return next();
    response.vary('Accept-Encoding');
    // By our preference, not the header's order (Chromium sends `gzip, deflate, br, zstd`).
    const encoding = offered.find((candidate) => request.acceptsEncodings(candidate.name) === candidate.name);
    if (!encoding) return next();
    response.setHeader('content-type', type);
    response.setHeader('content-encoding', encoding.name);
    response.sendFile(
      path.join(assetsDir, name + encoding.extension),
      { immutable: true, maxAge: '1y' },
      (error) => error && next(error),
    );
  };
}

/**
 * The marker the client looks for before it links to `/dev` and the GraphQL IDE
 * (apps/web/src/developer-pages.ts): present only where those pages are served.
 */
const DEVELOPER_PAGES_MARKER = '<meta name="foule-developer-pages" content="/dev">';

export function webClient(
  dir = WEB_DIST,
  options: { developerPages: boolean } = { developerPages: false },
): express.Router | undefined {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return undefined;
  const router = express.Router();
  // Hashed file names under assets/: cached for long (immutable); index.html always revalidated.
  const assets = path.join(dir, 'assets');
  router.use('/assets', precompressedAssets(assets));
  router.use('/assets', express.static(assets, { immutable: true, maxAge: '1y', fallthrough: false }));
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.get(/.*/, (request: Request, response: Response, next: NextFunction) => {
    // A browser's navigation names text/html; a client asking for anything (`*/*`) at an unknown
    // path gets the api's 404, not a page.
    const pageLoad =
      !isApiPath(request.path) && !path.extname(request.path) && /\btext\/html\b/.test(request.headers.accept ?? '');
    if (!pageLoad) return next();
    response.setHeader('cache-control', 'no-cache');
    if (!options.developerPages) return response.sendFile(index);
    // Read per page load, not once: `npm run start:dev` rebuilds the client under a running api.
    readFile(index, 'utf8').then(
      (html) => response.type('html').send(html.replace('</head>', `${DEVELOPER_PAGES_MARKER}</head>`)),
      next,
    );
  });
  return router;
}
