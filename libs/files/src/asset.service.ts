/**
 * Uploads and their one use: createUpload records what the client declares; claim checks
 * what actually arrived (the bytes decide) and marks the asset used, in the caller's transaction.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Metadata } from 'sharp';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { DomainError, byKeys, newId, updateReturning, type FieldProblem } from '@foule/shared';
import { AssetEntity } from './asset.entity';
import { SNIFF_BYTES, contentTypeOfImageFormat, sniffContentType } from './content-sniffing';
import { sharp } from './image-library';
import { differenceHash } from './perceptual-hash';
import { FILE_STORAGE, type FileStorage, type UploadTarget } from './storage/file-storage';
import {
  MAX_IMAGE_PIXELS_PER_SIDE,
  UPLOAD_TICKET_SECONDS,
  dimensionsProblem,
  isImageType,
  purposeProblem,
  uploadProblems,
  type AssetPurpose,
} from './upload-rules';

export const THUMBNAIL_WIDTH = 400;

export interface StoredAsset {
  id: string;
  ownerId: string;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  perceptualHash: bigint | null;
  createdAt: Date;
}

export interface UploadTicket extends UploadTarget {
  assetId: string;
  expiresAt: Date;
}

/** What the bytes of one asset turned out to be, once verified for a use. */
interface Verified {
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  perceptualHash: bigint | null;
}

function toStored(entity: AssetEntity): StoredAsset {
  const { id, ownerId, contentType, byteSize, width, height, hasThumbnail, perceptualHash, createdAt } = entity;
  return { id, ownerId, contentType, byteSize, width, height, hasThumbnail, perceptualHash, createdAt };
}

@Injectable()
export class AssetService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  async createUpload(ownerId: string, input: { filename: string; contentType: string; byteSize: number }): Promise<UploadTicket> {
    const problems = uploadProblems(input);
    if (problems.length > 0) throw DomainError.badInput(problems);
    const asset = this.dataSource.getRepository(AssetEntity).create({
      id: newId('asset'),
      ownerId,
      filename: input.filename,
      contentType: input.contentType,
      byteSize: input.byteSize,
    });
    await this.dataSource.getRepository(AssetEntity).insert(asset);
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + UPLOAD_TICKET_SECONDS * 1000);
    const target = await this.storage.uploadTarget({ assetId: asset.id, contentType: asset.contentType, byteSize: asset.byteSize }, expiresAt);
    return { assetId: asset.id, expiresAt, ...target };
  }

  async findById(id: string): Promise<AssetEntity | null> {
    return this.dataSource.getRepository(AssetEntity).findOneBy({ id });
  }

  async findAssets(ids: readonly string[]): Promise<(StoredAsset | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.getRepository(AssetEntity).findBy({ id: In([...new Set(ids)]) });
    return byKeys(ids, rows.map(toStored), (asset) => asset.id);
  }

  async claim(ownerId: string, assetIds: string[], purpose: AssetPurpose, options: { manager: EntityManager; path?: string }): Promise<StoredAsset[]> {
    const path = options.path ?? 'assetIds';
    const rows = assetIds.length ? await options.manager.getRepository(AssetEntity).findBy({ id: In([...new Set(assetIds)]) }) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const problems: FieldProblem[] = [];
    const verified: Verified[] = [];
    for (const [index, id] of assetIds.entries()) {
      const asset = byId.get(id);
      let outcome: Verified | string;
      if (assetIds.indexOf(id) !== index) outcome = 'is listed twice';
      else if (!asset || asset.ownerId !== ownerId) outcome = 'is not one of your uploads';
      else if (asset.claimedAt) outcome = 'has already been used';
      else outcome = await this.verify(asset, purpose);
      if (typeof outcome === 'string') problems.push({ path: `${path}.${index}`, message: `asset ${id} ${outcome}` });
      else verified[index] = outcome;
    }
    if (problems.length > 0) throw DomainError.badInput(problems);

    const claimed: StoredAsset[] = [];
    for (const [index, id] of assetIds.entries()) {
      const result = verified[index];
      // Conditional: of two uses racing for one asset, the second waits on the row and then matches nothing.
      const [row] = await updateReturning<{ id: string }>(
        options.manager,
        `UPDATE files.assets SET claimed_at = now(), claimed_for = $3, width = $4, height = $5, has_thumbnail = $6, perceptual_hash = $7
          WHERE id = $1 AND owner_id = $2 AND claimed_at IS NULL RETURNING id`,
        [id, ownerId, purpose, result.width, result.height, result.hasThumbnail, result.perceptualHash?.toString() ?? null],
      );
      if (!row) throw DomainError.badField(`${path}.${index}`, `asset ${id} has already been used`);
      claimed.push({ ...toStored(byId.get(id)!), ...result });
    }
    return claimed;
  }

  /** What the stored bytes are, or why they cannot serve this purpose. */
  private async verify(asset: AssetEntity, purpose: AssetPurpose): Promise<Verified | string> {
    const original = { assetId: asset.id, variant: 'original' } as const;
    const size = await this.storage.size(original);
    if (size === null) return 'was never uploaded: send its bytes to the uploadUrl of its ticket first';
    if (size !== asset.byteSize) return `has ${size} bytes, but ${asset.byteSize} were declared`;
    const actualType = sniffContentType(await this.storage.read(original, SNIFF_BYTES));
    if (!actualType) return 'is not a PNG, JPEG, WebP, PDF or ZIP file';
    if (actualType !== asset.contentType) return `is ${actualType}, but was declared as ${asset.contentType}`;
    const refused = purposeProblem(purpose, actualType, size);
    if (refused) return refused;
    if (!isImageType(actualType)) return { width: null, height: null, hasThumbnail: false, perceptualHash: null };

    const bytes = await this.storage.read(original);
    let metadata: Metadata;
    try {
      // Reads the header only, so an oversized picture is named as such before anything decodes it.
      metadata = await sharp(bytes).metadata();
    } catch {
      return `is not a readable ${actualType} image`;
    }
    if (contentTypeOfImageFormat(metadata.format) !== actualType) return `is not a readable ${actualType} image`;
    const tooLarge = dimensionsProblem(metadata.width, metadata.height);
    if (tooLarge) return tooLarge;
    const limits = { limitInputPixels: MAX_IMAGE_PIXELS_PER_SIDE * MAX_IMAGE_PIXELS_PER_SIDE, failOn: 'error' } as const;
    let thumbnail: Buffer;
    let perceptualHash: bigint;
    try {
      thumbnail = await sharp(bytes, limits).autoOrient().resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).webp().toBuffer();
      perceptualHash = await differenceHash(bytes);
    } catch {
      return `is not a readable ${actualType} image`;
    }
    // Written before the claim commits: if the caller's transaction rolls back, the next claim overwrites it.
    await this.storage.write({ assetId: asset.id, variant: 'thumbnail' }, thumbnail, 'image/webp');
    return { width: metadata.autoOrient.width, height: metadata.autoOrient.height, hasThumbnail: true, perceptualHash };
  }
}
