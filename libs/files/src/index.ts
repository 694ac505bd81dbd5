/** @foule/files: uploads (local disk or S3-compatible), byte-level verification, thumbnails, perceptual hashes, signed URLs. */
import type { DatabasePart } from '@foule/shared';
import { AssetEntity } from './asset.entity';
import { FilesInit1796116545911 } from './migrations/1796116545911-FilesInit';

export { FilesModule } from './files.module';
export { FilesFacade } from './files.facade';
export { AssetModel } from './asset.model';
export type { StoredAsset } from './asset.service';
export type { AssetPurpose } from './upload-rules';
export { hammingDistance } from './perceptual-hash';

export const filesDatabase: DatabasePart = {
  entities: [AssetEntity],
  migrations: [FilesInit1796116545911],
};
