/**
 * What other modules (contests now, avatars later) use of file storage. The facade decides
 * nothing about who may see an asset: callers hand Asset objects only to viewers allowed to
 * see them, and the signed URLs prove they were handed out by us.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AssetModel } from './asset.model';
import { AssetService, type StoredAsset } from './asset.service';
import type { AssetPurpose } from './upload-rules';

@Injectable()
export class FilesFacade {
  constructor(private readonly assets: AssetService) {}

  /**
   * Verifies and claims the caller's uploaded assets for one use, in the caller's transaction;
   * BAD_USER_INPUT naming `${path}.${i}` (path defaults to `assetIds`) for any asset that is
   * unknown, someone else's, not uploaded, already used, or whose bytes are not allowed for the purpose.
   */
  claimAssets(ownerId: string, assetIds: string[], purpose: AssetPurpose, options: { manager: EntityManager; path?: string }): Promise<StoredAsset[]> {
    return this.assets.claim(ownerId, assetIds, purpose, options);
  }

  /** For loaders: assets by id, in the order asked (missing ones null). */
  findAssets(ids: readonly string[]): Promise<(StoredAsset | null)[]> {
    return this.assets.findAssets(ids);
  }

  /** The GraphQL `Asset` of a stored asset; its url and thumbnailUrl are signed when resolved. */
  toAssetModel(asset: StoredAsset): AssetModel {
    return AssetModel.of(asset);
  }
}
