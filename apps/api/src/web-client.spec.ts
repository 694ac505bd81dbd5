import express from 'express';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { webClient } from './web-client';

describe('webClient (the built client at /)', () => {
  const script = 'console.log("the page");'.repeat(50);
  let dir: string;
  let app: express.Express;
  let server: http.Server;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'foule-web-client-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><head><title>Foule</title></head>');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js'), script);
    writeFileSync(path.join(dir, 'assets', 'index-abc.js.gz'), gzipSync(script));
    writeFileSync(path.join(dir, 'assets', 'index-abc.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(dir, 'assets', 'plain-abc.css'), 'body{}');
    app = express();
    app.use(webClient(dir)!);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The bytes as sent (a plain http.get: supertest and fetch would decompress them). */
  const fetchRaw = (pathname: string, acceptEncoding: string) =>
    new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      http
        .get({ host: '127.0.0.1', port, path: pathname, headers: { 'accept-encoding': acceptEncoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });

  it('sends the brotli file to a browser that accepts it, whatever the order of its header, cached for a year', async () => {
    const response = await fetchRaw('/assets/index-abc.js', 'gzip, deflate, br, zstd');
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(response.body).toString()).toBe(script);
  });

  it('sends gzip where brotli is not accepted, and the plain file where neither is', async () => {
    const gzipped = await fetchRaw('/assets/index-abc.js', 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).toString()).toBe(script);

    const refused = await fetchRaw('/assets/index-abc.js', 'br;q=0, gzip;q=0');
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString()).toBe(script);
  });

  it('serves a file the build did not compress as it is, and a missing asset as a 404 rather than the page', async () => {
    const css = await request(app).get('/assets/plain-abc.css').set('accept-encoding', 'br, gzip');
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.text).toBe('body{}');
    await request(app).get('/assets/gone-abc.js').set('accept', 'text/html').set('accept-encoding', 'br').expect(404);
  });

  it('answers a page address with index.html, revalidated', async () => {
    const response = await request(app).get('/campaigns/cmp_1').set('accept', 'text/html');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.text).toContain('<title>Foule</title>');
  });

  it('marks the page for links to the developer pages only where they are served', async () => {
    const withPages = express().use(webClient(dir, { developerPages: true })!);
    const marked = await request(withPages).get('/campaigns/cmp_1').set('accept', 'text/html').expect(200);
    expect(marked.headers['content-type']).toMatch(/^text\/html/);
    expect(marked.headers['cache-control']).toBe('no-cache');
    expect(marked.text).toBe(
      '<!doctype html><head><title>Foule</title><meta name="foule-developer-pages" content="/dev"></head>',
    );
    const plain = await request(app).get('/campaigns/cmp_1').set('accept', 'text/html').expect(200);
    expect(plain.text).not.toContain('foule-developer-pages');
  });
});
