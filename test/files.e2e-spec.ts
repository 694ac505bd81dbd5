/**
 * File storage on local disk (the default): createUpload, the signed upload and download routes,
 * and FilesFacade.claimAssets (driven through scripts/files-harness.ts, as the contest module calls it).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import sharp from 'sharp';
import { errorCode, signUp, type SignedUpProfile } from './support/fixtures';
import {
  PDF_BYTES,
  assetAsOwner,
  createUpload,
  otherPicture,
  picture,
  send,
  startFilesHarness,
  uploaded,
} from './support/files-fixtures';
import type { PaymentsHarness } from './support/payments-harness';
import { CreateUploadAssetIdDocument, CreateUploadDocument, NodeIdDocument } from './documents/graphql';
import { createTestApp, type TestApp } from './support/test-app';

const MB = 1024 * 1024;

let app: TestApp;
let files: PaymentsHarness;
let designer: SignedUpProfile;
let other: SignedUpProfile;

beforeAll(async () => {
  app = await createTestApp();
  files = await startFilesHarness(app);
  [designer, other] = await Promise.all([signUp(app), signUp(app)]);
});

afterAll(async () => {
  await files?.close();
  await app?.close();
});

const claim = (owner: SignedUpProfile, assetIds: string[], purpose = 'ENTRY_IMAGE', path?: string) =>
  files.call<any[]>('claimAssets', { ownerId: owner.id, assetIds, purpose, path });

async function refusal(owner: SignedUpProfile, assetIds: string[], purpose = 'ENTRY_IMAGE', path?: string) {
  const outcome = await claim(owner, assetIds, purpose, path);
  if (outcome.ok) throw new Error(`claimAssets was expected to fail but answered ${JSON.stringify(outcome.result)}`);
  expect(outcome.error.code).toBe('BAD_USER_INPUT');
  return outcome.error.extensions!.fields as { path: string; message: string }[];
}

/**
 * A correctly signed URL with an expiry of our choosing: the api signs, with a key derived from
 * JWT_SECRET, the method, asset id, file, declared type and size, and expiry, one per line.
 */
function signedUrl(
  base: string,
  fields: { method: string; assetId: string; variant: string; contentType?: string; byteSize?: number; expires: number },
) {
  const key = Buffer.from(hkdfSync('sha256', app.env.JWT_SECRET, 'foule', 'file-url-signing', 32));
  const payload = [
    fields.method,
    fields.assetId,
    fields.variant,
    fields.contentType ?? '',
    fields.byteSize ?? '',
    fields.expires,
  ].join('\n');
  const signature = createHmac('sha256', key).update(payload).digest('base64url');
  return `${base}?expires=${fields.expires}&signature=${signature}`;
}

/** The message of a non-GraphQL error, in the one shape every HTTP error has: `{ errors: [{ message, extensions: { code } }] }`. */
const messageOf = async (response: Response) => {
  const body = (await response.json()) as { errors: [{ message: string; extensions: { code: string } }] };
  expect(body.errors[0].extensions.code).toBe(response.status === 403 ? 'FORBIDDEN' : body.errors[0].extensions.code);
  return body.errors[0].message;
};

const withParam = (url: string, name: string, value: string) => {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
};

describe('createUpload', () => {
  it('returns a ticket for a PUT with the declared Content-Type and Content-Length, valid 15 minutes', async () => {
    const before = Date.now();
    const ticket = await createUpload(app, designer, 'image/png', 1234);
    expect(ticket.assetId).toMatch(/^ast_/);
    expect(ticket.method).toBe('PUT');
    expect(ticket.uploadUrl).toMatch(new RegExp(`^${app.baseUrl}/uploads/${ticket.assetId}\\?expires=\\d+&signature=`));
    expect(ticket.headers).toEqual([
      { name: 'Content-Type', value: 'image/png' },
      { name: 'Content-Length', value: '1234' },
    ]);
    const lifetime = new Date(ticket.expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
    const [row] = await app.sql(`SELECT owner_id, content_type, byte_size, claimed_at FROM files.assets WHERE id = $1`, [
      ticket.assetId,
    ]);
    expect(row).toEqual({ owner_id: designer.id, content_type: 'image/png', byte_size: 1234, claimed_at: null });
  });

  it.each([
    ['a type we do not take', 'image/gif', 100, 'contentType'],
    ['an empty file', 'image/png', 0, 'byteSize'],
    ['an image over 20 MB', 'image/jpeg', 20 * MB + 1, 'byteSize'],
    ['a document over 200 MB', 'application/zip', 200 * MB + 1, 'byteSize'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_what, contentType, byteSize, field) => {
    const result = await app.gql(CreateUploadAssetIdDocument, { input: { filename: 'x', contentType, byteSize } }, designer.token);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.fields).toEqual([{ path: field, message: expect.any(String) }]);
  });

  it('accepts a 200 MB PDF declaration', async () => {
    expect((await createUpload(app, designer, 'application/pdf', 200 * MB, 'brand.pdf')).assetId).toMatch(/^ast_/);
  });

  it('needs a signed-in caller', async () => {
    const result = await app.gql(CreateUploadDocument, { input: { filename: 'a.png', contentType: 'image/png', byteSize: 10 } });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});

describe('the local upload route', () => {
  it('stores exactly the declared bytes once, then refuses a second upload', async () => {
    const bytes = await picture(300, 200);
    const ticket = await createUpload(app, designer, 'image/png', bytes.length);
    const first = await send(ticket, bytes);
    expect(first.status).toBe(200);
    const second = await send(ticket, bytes);
    expect(second.status).toBe(403);
    expect(await messageOf(second)).toMatch(/already uploaded/);
  });

  it.each([
    ['another Content-Type than declared', { 'content-type': 'image/jpeg' }, /Content-Type: image\/png/],
    ['no Content-Type', { 'content-type': '' }, /Content-Type/],
  ])('refuses %s (403)', async (_what, headers, message) => {
    const bytes = await picture(100, 100);
    const ticket = await createUpload(app, designer, 'image/png', bytes.length);
    const response = await send(ticket, bytes, headers);
    expect(response.status).toBe(403);
    expect(await messageOf(response)).toMatch(message);
  });

  it('refuses a body larger or smaller than declared, leaving nothing behind, and then takes the right one', async () => {
    const bytes = await picture(120, 80);
    const ticket = await createUpload(app, designer, 'image/png', bytes.length);
    const larger = await send(ticket, Buffer.concat([bytes, Buffer.alloc(10)]), { 'content-length': String(bytes.length + 10) });
    expect(larger.status).toBe(403);
    const smaller = await send(ticket, bytes.subarray(0, bytes.length - 10), { 'content-length': String(bytes.length - 10) });
    expect(smaller.status).toBe(403);
    expect((await claim(designer, [ticket.assetId])).ok).toBe(false);
    expect((await send(ticket, bytes)).status).toBe(200);
    expect((await claim(designer, [ticket.assetId])).ok).toBe(true);
  });

  it('refuses a tampered URL (403)', async () => {
    const bytes = await picture(100, 100);
    const ticket = await createUpload(app, designer, 'image/png', bytes.length);
    const forged = withParam(ticket.uploadUrl, 'signature', 'A'.repeat(43));
    expect((await send(ticket, bytes, {}, forged)).status).toBe(403);
    const extended = withParam(ticket.uploadUrl, 'expires', String(Math.floor(Date.now() / 1000) + 86_400));
    expect((await send(ticket, bytes, {}, extended)).status).toBe(403);
    const otherTicket = await createUpload(app, designer, 'image/png', bytes.length);
    const swapped = ticket.uploadUrl.replace(ticket.assetId, otherTicket.assetId);
    expect((await send(ticket, bytes, {}, swapped)).status).toBe(403);
  });

  it('refuses an expired URL, even correctly signed (403)', async () => {
    const bytes = await picture(100, 100);
    const ticket = await createUpload(app, designer, 'image/png', bytes.length);
    const expired = signedUrl(`${app.baseUrl}/uploads/${ticket.assetId}`, {
      method: 'PUT',
      assetId: ticket.assetId,
      variant: 'original',
      contentType: 'image/png',
      byteSize: bytes.length,
      expires: Math.floor(Date.now() / 1000) - 1,
    });
    const response = await send(ticket, bytes, {}, expired);
    expect(response.status).toBe(403);
    expect(await messageOf(response)).toMatch(/expired/);
  });
});

describe('claimAssets', () => {
  it('verifies an image, records its size, and serves it and a 400 px WebP thumbnail through signed URLs', async () => {
    const bytes = await picture(1200, 800);
    const id = await uploaded(app, designer, bytes, 'image/png');
    const [claimed] = await files.ok<any[]>('claimAssets', { ownerId: designer.id, assetIds: [id], purpose: 'ENTRY_IMAGE' });
    expect(claimed).toMatchObject({
      id,
      ownerId: designer.id,
      contentType: 'image/png',
      byteSize: bytes.length,
      width: 1200,
      height: 800,
      hasThumbnail: true,
    });
    expect(claimed.perceptualHash).toMatch(/^-?\d+$/);

    const asset = await assetAsOwner(app, designer, id);
    expect(asset).toMatchObject({ id, contentType: 'image/png', byteSize: bytes.length, width: 1200, height: 800 });
    const original = await fetch(asset.url);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);

    const thumbnail = await fetch(asset.thumbnailUrl!);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(thumbnail.headers.get('x-content-type-options')).toBe('nosniff');
    const metadata = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({
      format: 'webp',
      width: 400,
      height: 267,
    });
  });

  it('refuses tampered and expired download URLs (403), checked on every request', async () => {
    const id = await uploaded(app, designer, await picture(500, 400), 'image/png');
    await files.ok('claimAssets', { ownerId: designer.id, assetIds: [id], purpose: 'ENTRY_IMAGE' });
    const asset = await assetAsOwner(app, designer, id);
    expect((await fetch(withParam(asset.url, 'signature', 'B'.repeat(43)))).status).toBe(403);
    expect(
      (await fetch(withParam(asset.url, 'expires', String(Number(new URL(asset.url).searchParams.get('expires')) + 300)))).status,
    ).toBe(403);
    // The original's signature does not open the thumbnail.
    const thumbnailWithOriginalsSignature = `${app.baseUrl}/files/${id}/thumbnail${new URL(asset.url).search}`;
    expect((await fetch(thumbnailWithOriginalsSignature)).status).toBe(403);
    const expired = signedUrl(`${app.baseUrl}/files/${id}`, {
      method: 'GET',
      assetId: id,
      variant: 'original',
      expires: Math.floor(Date.now() / 1000) - 1,
    });
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    expect(await messageOf(response)).toMatch(/expired/);
    expect((await fetch(asset.url)).status).toBe(200);
  });

  it('takes a PDF or ZIP as a handover file, with no thumbnail', async () => {
    const pdf = await uploaded(app, designer, PDF_BYTES, 'application/pdf');
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Array(18).fill(0)]);
    const zip = await uploaded(app, designer, emptyZip, 'application/zip');
    const claimed = await files.ok<any[]>('claimAssets', {
      ownerId: designer.id,
      assetIds: [pdf, zip],
      purpose: 'HANDOVER_FILE',
    });
    expect(claimed.map((asset) => [asset.id, asset.contentType, asset.hasThumbnail, asset.width, asset.perceptualHash])).toEqual([
      [pdf, 'application/pdf', false, null, null],
      [zip, 'application/zip', false, null, null],
    ]);
    expect((await assetAsOwner(app, designer, pdf)).thumbnailUrl).toBeNull();
  });

  it.each([
    ['a PNG declared as image/jpeg', () => picture(200, 100), 'image/jpeg', /is image\/png, but was declared as image\/jpeg/],
    [
      'a text file declared as image/png',
      async () => Buffer.from('just some text, not a picture at all'),
      'image/png',
      /is not a PNG, JPEG, WebP, PDF or ZIP file/,
    ],
    ['a PDF declared as image/png', async () => PDF_BYTES, 'image/png', /is application\/pdf, but was declared as image\/png/],
    [
      'a PNG signature on bytes that are not a PNG',
      async () => Buffer.concat([(await picture(50, 50)).subarray(0, 8), Buffer.alloc(200, 7)]),
      'image/png',
      /not a readable image\/png/,
    ],
    [
      'an image over 8000 pixels wide',
      () =>
        sharp({ create: { width: 8001, height: 8, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      'image/png',
      /8001x8 pixels, more than 8000x8000/,
    ],
  ])('refuses %s, naming the asset', async (_what, bytes, declared, message) => {
    const id = await uploaded(app, designer, await bytes(), declared);
    expect(await refusal(designer, [id])).toEqual([{ path: 'assetIds.0', message: expect.stringMatching(message) }]);
  });

  it('refuses a PDF as an entry image and a picture as a handover file', async () => {
    const pdf = await uploaded(app, designer, PDF_BYTES, 'application/pdf');
    expect(await refusal(designer, [pdf], 'ENTRY_IMAGE')).toEqual([
      { path: 'assetIds.0', message: expect.stringMatching(/ENTRY_IMAGE takes image\/png/) },
    ]);
    const png = await uploaded(app, designer, await picture(60, 60), 'image/png');
    expect(await refusal(designer, [png], 'HANDOVER_FILE')).toEqual([
      { path: 'assetIds.0', message: expect.stringMatching(/HANDOVER_FILE takes application\/pdf/) },
    ]);
  });

  it("refuses an upload that never arrived, someone else's asset and an unknown one, each by its index, and claims none of the good ones", async () => {
    const good = await uploaded(app, designer, await picture(80, 80), 'image/png');
    const unfinished = (await createUpload(app, designer, 'image/png', 5000)).assetId;
    const theirs = await uploaded(app, other, await picture(80, 80), 'image/png');
    const unknown = 'ast_01JD0000000000000000000000';
    const fields = await refusal(designer, [good, unfinished, theirs, unknown], 'ENTRY_IMAGE', 'input.assetIds');
    expect(fields).toEqual([
      { path: 'input.assetIds.1', message: expect.stringMatching(/was never uploaded/) },
      { path: 'input.assetIds.2', message: `asset ${theirs} is not one of your uploads` },
      { path: 'input.assetIds.3', message: `asset ${unknown} is not one of your uploads` },
    ]);
    expect(await app.sql(`SELECT claimed_at FROM files.assets WHERE id = $1`, [good])).toEqual([{ claimed_at: null }]);
  });

  it('lets an asset be used once', async () => {
    const id = await uploaded(app, designer, await picture(90, 90), 'image/png');
    expect((await claim(designer, [id])).ok).toBe(true);
    expect(await refusal(designer, [id])).toEqual([{ path: 'assetIds.0', message: `asset ${id} has already been used` }]);
  });

  it('refuses an asset listed twice in one use', async () => {
    const id = await uploaded(app, designer, await picture(90, 90), 'image/png');
    expect(await refusal(designer, [id, id])).toEqual([{ path: 'assetIds.1', message: `asset ${id} is listed twice` }]);
  });

  it('gives a concurrently used asset to exactly one use', async () => {
    const id = await uploaded(app, designer, await picture(400, 300), 'image/png');
    const outcomes = await files.ok<{ ok: boolean; error?: any }[]>('claimConcurrently', {
      ownerId: designer.id,
      assetIds: [id],
      purpose: 'ENTRY_IMAGE',
      times: 8,
    });
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    const refused = outcomes.filter((outcome) => !outcome.ok);
    expect(refused).toHaveLength(7);
    for (const outcome of refused) expect(outcome.error).toMatchObject({ code: 'BAD_USER_INPUT' });
    for (const outcome of refused)
      expect(outcome.error.extensions.fields).toEqual([{ path: 'assetIds.0', message: `asset ${id} has already been used` }]);
  });

  it('shows an asset through node(id) to its uploader only', async () => {
    const id = await uploaded(app, designer, await picture(90, 90), 'image/png');
    expect((await app.gql(NodeIdDocument, { id }, designer.token)).data!.node).toEqual({ id });
    expect((await app.gql(NodeIdDocument, { id }, other.token)).data!.node).toBeNull();
    expect((await app.gql(NodeIdDocument, { id })).data!.node).toBeNull();
  });
});

describe('perceptual hashes', () => {
  it('are near for a recompressed copy and far for another picture, with the same distance in SQL as in code', async () => {
    const original = await picture(1000, 700, 3);
    const recompressed = await sharp(original).resize(640).jpeg({ quality: 45 }).toBuffer();
    const different = await otherPicture();
    const ids = [
      await uploaded(app, designer, original, 'image/png'),
      await uploaded(app, designer, recompressed, 'image/jpeg'),
      await uploaded(app, designer, different, 'image/png'),
    ];
    const claimed = await files.ok<any[]>('claimAssets', { ownerId: designer.id, assetIds: ids, purpose: 'ENTRY_IMAGE' });
    const found = await files.ok<any[]>('findAssets', { ids: [ids[2], 'ast_01JD0000000000000000000000', ids[0]] });
    expect(found.map((asset) => asset?.perceptualHash ?? null)).toEqual([
      claimed[2].perceptualHash,
      null,
      claimed[0].perceptualHash,
    ]);

    // What the contest module runs: the Hamming distance of two bigint columns.
    const distance = async (a: string, b: string) =>
      (
        await app.sql<{ distance: number }>(
          `SELECT bit_count((a.perceptual_hash # b.perceptual_hash)::bit(64))::int AS distance FROM files.assets a, files.assets b WHERE a.id = $1 AND b.id = $2`,
          [a, b],
        )
      )[0].distance;
    expect(await distance(ids[0], ids[0])).toBe(0);
    const near = await distance(ids[0], ids[1]);
    const far = await distance(ids[0], ids[2]);
    console.log(`dHash distances: recompressed JPEG copy ${near}, different picture ${far}`);
    expect(near).toBeLessThanOrEqual(10);
    expect(far).toBeGreaterThan(20);
    const bitsInCode = (a: string, b: string) =>
      [...BigInt.asUintN(64, BigInt(a) ^ BigInt(b)).toString(2)].filter((bit) => bit === '1').length;
    expect([near, far]).toEqual([
      bitsInCode(claimed[0].perceptualHash, claimed[1].perceptualHash),
      bitsInCode(claimed[0].perceptualHash, claimed[2].perceptualHash),
    ]);
  });
});
