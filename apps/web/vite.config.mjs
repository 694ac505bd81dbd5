// Vite for the reference web client. `npm run dev:web` serves it with hot reload against a
// running api (API_URL, default http://localhost:3000: /graphql, its WebSocket and /uploads are
// proxied); `node scripts/build.mjs` builds it into dist/web, which the api serves at `/`.
//
// What makes a page open fast (issue 14: under 1 s on a new demo database):
// - one chunk per page module (App.tsx loads them with React.lazy) and one `vendor` chunk for
//   node_modules, which changes less often than the pages and so stays cached across releases;
// - index.html carries a tiny script that, from the address being opened, adds a modulepreload
//   for that page's chunks (PAGE_MODULES): they download beside the entry, not after it has run;
// - every JS and CSS file is also written gzip- and brotli-compressed (`.gz`, `.br`), which
//   the api sends to browsers that accept them (apps/api/src/web-client.ts).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { defineConfig } from 'vite';

const api = process.env.API_URL ?? 'http://localhost:3000';
/**
 * Which module under src/pages/ draws each address, by its first segment: the chunks preloaded
 * for it. Keep it in step with App.tsx's `Page` (the build fails when a module named here is not
 * a lazily loaded chunk; an address missing here only loses its preload).
 */
const PAGE_MODULES = {
  '': 'Discover',
  campaigns: 'Campaign',
  contests: 'Contest',
  profiles: 'Profile',
  settings: 'Settings',
  'sign-in': 'Auth',
  'sign-up': 'Auth',
  'verify-email': 'EmailLinks',
  'forgot-password': 'EmailLinks',
  'reset-password': 'EmailLinks',
};

/** What a browser downloads (source maps only with the developer tools open: left as they are). */
const COMPRESSIBLE = /\.(js|css|svg)$/;

/** The script that preloads the opened address's page chunks: `{ segment: [files] }` and a lookup. */
function routePreloads() {
  let base = '/';
  return {
    name: 'foule-route-preloads',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (!bundle) return [];
        const chunks = Object.values(bundle).filter((output) => output.type === 'chunk');
        const entry = chunks.find((chunk) => chunk.isEntry);
        const alreadyLoaded = new Set([entry.fileName, ...entry.imports]);
        /** A page chunk and the chunks it imports statically that the entry does not bring. */
        const filesOf = (page) => {
          const chunk = chunks.find((candidate) => candidate.facadeModuleId?.endsWith(`/src/pages/${page}.tsx`));
          if (!chunk) throw new Error(`PAGE_MODULES names pages/${page}.tsx, which is not a chunk of its own (is it imported lazily by App.tsx?)`);
          const files = [];
          const visit = (fileName) => {
            if (alreadyLoaded.has(fileName) || files.includes(fileName)) return;
            files.push(fileName);
            for (const imported of bundle[fileName].imports) visit(imported);
          };
          visit(chunk.fileName);
          return files.map((file) => `${base}${file}`);
        };
        const table = Object.fromEntries(Object.entries(PAGE_MODULES).map(([segment, page]) => [segment, filesOf(page)]));
        const script =
          `(function(t){var s=decodeURIComponent(location.pathname.split('/')[1]||''),f=t[s]||[];` +
          `for(var i=0;i<f.length;i++){var l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=f[i];document.head.appendChild(l)}})` +
          `(${JSON.stringify(table)})`;
        return [{ tag: 'script', children: script, injectTo: 'head-prepend' }];
      },
    },
  };
}

/** Writes `<file>.gz` and `<file>.br` beside each compressible asset. */
function precompress() {
  let outDir = '';
  return {
    name: 'foule-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((file) => COMPRESSIBLE.test(file));
      await Promise.all(
        files.map(async (file) => {
          const full = path.join(outDir, file);
          const content = await readFile(full);
          const [gzipped, brotli] = await Promise.all([
            promisify(gzip)(content, { level: 9 }),
            promisify(brotliCompress)(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length } }),
          ]);
          await Promise.all([writeFile(`${full}.gz`, gzipped), writeFile(`${full}.br`, brotli)]);
        }),
      );
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  // Vite's own transform (Oxc) compiles TSX with React's automatic runtime; no plugin needed.
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [routePreloads(), precompress()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/]/ }] } },
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/uploads': { target: api, changeOrigin: true },
      '/files': { target: api, changeOrigin: true },
      '/dev': { target: api, changeOrigin: true },
      '/graphiql': { target: api, changeOrigin: true },
    },
  },
});
