/**
 * Where the bytes of assets live: local disk under DATA_DIR/uploads (served by the api) or an
 * S3-compatible bucket. Both hand out short-lived signed URLs; the client talks to storage
 * directly with them.
 */
export type FileVariant = 'original' | 'thumbnail';

export interface StoredFileKey {
  assetId: string;
  variant: FileVariant;
}

export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: { name: string; value: string }[];
}

export interface DeclaredUpload {
  assetId: string;
  contentType: string;
  byteSize: number;
}

export interface FileStorage {
  /** Where and how a client sends the bytes of a declared upload, until `expiresAt`. */
  uploadTarget(upload: DeclaredUpload, expiresAt: Date): Promise<UploadTarget>;
  /** A signed GET URL for one file, valid until `expiresAt` (unix seconds). */
  downloadUrl(key: StoredFileKey, expires: number): Promise<string>;
  /** The stored size in bytes, or null when nothing was uploaded. */
  size(key: StoredFileKey): Promise<number | null>;
  /** The file's bytes, or only its first `length` bytes. */
  read(key: StoredFileKey, length?: number): Promise<Buffer>;
  write(key: StoredFileKey, bytes: Buffer, contentType: string): Promise<void>;
}

export const FILE_STORAGE = Symbol('FILE_STORAGE');

/** Both backends name files the same way: the asset id, and the thumbnail beside it. */
export function fileName(key: StoredFileKey): string {
  return key.variant === 'thumbnail' ? `${key.assetId}.thumbnail.webp` : key.assetId;
}
