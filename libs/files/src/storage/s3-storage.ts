/**
 * S3-compatible storage (when S3_* is set): presigned PUT and GET URLs, Content-Type and
 * Content-Length signed into the PUT, so the store refuses any other type or size.
 */
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AppConfig } from '@foule/shared';
import { fileName, type DeclaredUpload, type FileStorage, type StoredFileKey, type UploadTarget } from './file-storage';

export class S3Storage implements FileStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(s3: NonNullable<AppConfig['s3']>) {
    this.bucket = s3.bucket;
    this.client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      // MinIO and most S3-compatible stores address buckets by path, not by host name.
      forcePathStyle: Boolean(s3.endpoint),
    });
  }

  async uploadTarget(upload: DeclaredUpload, expiresAt: Date): Promise<UploadTarget> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: fileName({ assetId: upload.assetId, variant: 'original' }),
      ContentType: upload.contentType,
      ContentLength: upload.byteSize,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: secondsUntil(expiresAt),
      // Without this the presigner signs Content-Length but leaves Content-Type out (any type would be stored).
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return {
      url,
      method: 'PUT',
      headers: [
        { name: 'Content-Type', value: upload.contentType },
        { name: 'Content-Length', value: String(upload.byteSize) },
      ],
    };
  }

  async downloadUrl(key: StoredFileKey, expires: number): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: fileName(key) });
    return getSignedUrl(this.client, command, { expiresIn: secondsUntil(new Date(expires * 1000)) });
  }

  async size(key: StoredFileKey): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fileName(key) }));
      return head.ContentLength ?? null;
    } catch (error) {
      if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async read(key: StoredFileKey, length?: number): Promise<Buffer> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: fileName(key), Range: length === undefined ? undefined : `bytes=0-${length - 1}` }),
    );
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async write(key: StoredFileKey, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: fileName(key), Body: bytes, ContentType: contentType }));
  }
}

function secondsUntil(time: Date): number {
  return Math.max(1, Math.ceil((time.getTime() - Date.now()) / 1000));
}
