/**
 * File storage on an S3-compatible store: s3rver on loopback, the api configured with S3_*, the
 * same SDK calls production makes (presigned PUT and GET, HeadObject, ranged GetObject, PutObject
 * of the thumbnail; path-style addressing). s3rver does not check V4 signatures, so what the
 * signature binds is checked by reading the URL; the bytes are checked by claimAssets as on disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { signUp, type SignedUpProfile } from './support/fixtures';
import { assetAsOwner, createUpload, picture, send, startFilesHarness, uploaded } from './support/files-fixtures';
import type { PaymentsHarness } from './support/payments-harness';
import { createTestApp, freePort, type TestApp } from './support/test-app';

const BUCKET = 'foule-test';

let s3: S3rver;
let s3Directory: string;
let s3Url: string;
let app: TestApp;
let files: PaymentsHarness;
let designer: SignedUpProfile;

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(os.tmpdir(), 'foule-s3rver-'));
  const port = await freePort();
  s3 = new S3rver({ address: '127.0.0.1', port, silent: true, directory: s3Directory, configureBuckets: [{ name: BUCKET }] });
  await s3.run();
  s3Url = `http://127.0.0.1:${port}`;
  app = await createTestApp({
    S3_ENDPOINT: s3Url,
    S3_REGION: 'us-east-1',
    S3_BUCKET: BUCKET,
    // s3rver's built-in account.
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  files = await startFilesHarness(app);
  designer = await signUp(app);
});

afterAll(async () => {
  await files?.close();
  await app?.close();
  await s3?.close();
  await rm(s3Directory, { recursive: true, force: true });
});

const claim = (assetIds: string[], purpose = 'ENTRY_IMAGE') => files.call<any[]>('claimAssets', { ownerId: designer.id, assetIds, purpose });

it('hands out a presigned PUT to the bucket, with Content-Type and Content-Length signed, valid 15 minutes', async () => {
  const ticket = await createUpload(app, designer, 'image/png', 4321);
  const url = new URL(ticket.uploadUrl);
  expect(`${url.origin}${url.pathname}`).toBe(`${s3Url}/${BUCKET}/${ticket.assetId}`);
  expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
  expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
  expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeGreaterThan(14 * 60);
  expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(15 * 60);
  expect(ticket.headers).toEqual([
    { name: 'Content-Type', value: 'image/png' },
    { name: 'Content-Length', value: '4321' },
  ]);
});

it('stores the upload in the bucket, verifies it, and serves it and its thumbnail through presigned GETs', async () => {
  const bytes = await picture(1600, 900);
  const id = await uploaded(app, designer, bytes, 'image/png');
  await files.ok('claimAssets', { ownerId: designer.id, assetIds: [id], purpose: 'ENTRY_IMAGE' });
  const [claimed] = await files.ok<any[]>('findAssets', { ids: [id] });
  expect(claimed).toMatchObject({ id, width: 1600, height: 900, hasThumbnail: true, perceptualHash: expect.stringMatching(/^-?\d+$/) });

  const asset = await assetAsOwner(app, designer, id);
  expect(asset.url.startsWith(`${s3Url}/${BUCKET}/${id}?`)).toBe(true);
  expect(new URL(asset.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  const original = await fetch(asset.url);
  expect(original.status).toBe(200);
  expect(original.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);

  const thumbnail = await fetch(asset.thumbnailUrl!);
  expect(thumbnail.status).toBe(200);
  expect(thumbnail.headers.get('content-type')).toBe('image/webp');
  const metadata = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
  expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({ format: 'webp', width: 400, height: 225 });
});

it('refuses, when used, a forged type, a body of another size than declared, and an upload that never arrived', async () => {
  const forged = await uploaded(app, designer, await picture(200, 200), 'image/jpeg');
  const declared = await picture(150, 150);
  const oversizedTicket = await createUpload(app, designer, 'image/png', declared.length);
  // s3rver does not enforce the signed Content-Length (S3 does); the claim checks the stored size anyway.
  const bigger = Buffer.concat([declared, Buffer.alloc(100)]);
  expect((await send(oversizedTicket, bigger, { 'content-length': String(bigger.length) })).status).toBe(200);
  const unfinished = (await createUpload(app, designer, 'image/png', 1000)).assetId;

  const outcome = await claim([forged, oversizedTicket.assetId, unfinished]);
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.error.code).toBe('BAD_USER_INPUT');
  expect(outcome.error.extensions!.fields).toEqual([
    { path: 'assetIds.0', message: `asset ${forged} is image/png, but was declared as image/jpeg` },
    { path: 'assetIds.1', message: `asset ${oversizedTicket.assetId} has ${bigger.length} bytes, but ${declared.length} were declared` },
    { path: 'assetIds.2', message: expect.stringMatching(/was never uploaded/) },
  ]);
});

it('has no local file routes', async () => {
  const ticket = await createUpload(app, designer, 'image/png', 10);
  expect((await fetch(`${app.baseUrl}/uploads/${ticket.assetId}?expires=1&signature=x`, { method: 'PUT', body: 'x' })).status).toBe(404);
  expect((await fetch(`${app.baseUrl}/files/${ticket.assetId}?expires=1&signature=x`)).status).toBe(404);
});
