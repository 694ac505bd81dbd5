/**
 * Local disk storage (the default, no S3_*): files in DATA_DIR/uploads, received by
 * `PUT /uploads/<assetId>` and served by `GET /files/<assetId>[/thumbnail]`, both through
 * HMAC-signed URLs with an expiry (see url-signature.ts and local-files.controller.ts).
 */
import { hkdfSync, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readOrCreateDevSecret, type AppConfig } from '@foule/shared';
import { signRequest, type SignedRequest } from '../url-signature';
import { fileName, type DeclaredUpload, type FileStorage, type StoredFileKey, type UploadTarget } from './file-storage';

/** Why the local upload route refuses a body (the route answers 403 with it). */
export class UploadRefused extends Error {}

export class LocalDiskStorage implements FileStorage {
  readonly directory: string;
  private readonly key: Buffer;

  constructor(private readonly config: Pick<AppConfig, 'dataDir' | 'publicUrl' | 'jwtSecret'>) {
    this.directory = path.join(config.dataDir, 'uploads');
    // Its own key, derived from JWT_SECRET (or its own dev secret): a signed URL is never a token, nor the reverse.
    const secret = config.jwtSecret ?? readOrCreateDevSecret(config.dataDir, 'file-url-secret');
    this.key = Buffer.from(hkdfSync('sha256', secret, 'foule', 'file-url-signing', 32));
  }

  get signingKey(): Buffer {
    return this.key;
  }

  async uploadTarget(upload: DeclaredUpload, expiresAt: Date): Promise<UploadTarget> {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const request: SignedRequest = { method: 'PUT', assetId: upload.assetId, variant: 'original', contentType: upload.contentType, byteSize: upload.byteSize, expires };
    return {
      url: `${this.config.publicUrl}/uploads/${upload.assetId}?${new URLSearchParams({ expires: String(expires), signature: signRequest(this.key, request) }).toString()}`,
      method: 'PUT',
      headers: [
        { name: 'Content-Type', value: upload.contentType },
        { name: 'Content-Length', value: String(upload.byteSize) },
      ],
    };
  }

  async downloadUrl(key: StoredFileKey, expires: number): Promise<string> {
    const signature = signRequest(this.key, { method: 'GET', assetId: key.assetId, variant: key.variant, expires });
    const suffix = key.variant === 'thumbnail' ? '/thumbnail' : '';
    return `${this.config.publicUrl}/files/${key.assetId}${suffix}?${new URLSearchParams({ expires: String(expires), signature }).toString()}`;
  }

  async size(key: StoredFileKey): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async read(key: StoredFileKey, length?: number): Promise<Buffer> {
    const file = await open(this.pathOf(key), 'r');
    try {
      if (length === undefined) return await file.readFile();
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  async write(key: StoredFileKey, bytes: Buffer): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    // Written beside and renamed, so a reader never sees half a file. The temporary name is
    // unique per write: concurrent claims of one asset may each write its thumbnail.
    const partial = `${this.pathOf(key)}.${randomUUID()}.tmp`;
    await writeFile(partial, bytes);
    await rename(partial, this.pathOf(key));
  }

  openForReading(key: StoredFileKey): ReadStream {
    return createReadStream(this.pathOf(key));
  }

  /**
   * Streams an upload's body to disk, never more than the declared size: into `<id>.part`
   * (created exclusively, so two uploads of one asset cannot interleave), renamed into place
   * once exactly `byteSize` bytes arrived. Anything else leaves no file behind.
   */
  async receive(upload: DeclaredUpload, body: Readable): Promise<void> {
    const target = this.pathOf({ assetId: upload.assetId, variant: 'original' });
    if ((await this.size({ assetId: upload.assetId, variant: 'original' })) !== null) throw new UploadRefused('this asset was already uploaded');
    await mkdir(this.directory, { recursive: true });
    const partial = `${target}.part`;
    let output;
    try {
      output = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
      await new Promise<void>((resolve, reject) => output!.once('open', () => resolve()).once('error', reject));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UploadRefused('an upload of this asset is already in progress');
      throw error;
    }
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > upload.byteSize) callback(new UploadRefused(`the body is larger than the declared ${upload.byteSize} bytes`));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(body, limit, output);
      if (received !== upload.byteSize) throw new UploadRefused(`the body has ${received} bytes, not the declared ${upload.byteSize}`);
      await rename(partial, target);
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
  }

  private pathOf(key: StoredFileKey): string {
    return path.join(this.directory, fileName(key));
  }
}
