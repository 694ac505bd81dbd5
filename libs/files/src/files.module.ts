import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, NodeRegistry, type AppConfig, type GraphQLContext } from '@foule/shared';
import { AssetModel } from './asset.model';
import { AssetService, type StoredAsset } from './asset.service';
import { FilesFacade } from './files.facade';
import { AssetResolver, UploadResolver } from './files.resolver';
import { LocalFilesController } from './local-files.controller';
import { FILE_STORAGE, type FileStorage } from './storage/file-storage';
import { LocalDiskStorage } from './storage/local-disk-storage';

@Module({
  controllers: [LocalFilesController],
  providers: [
    {
      provide: FILE_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): FileStorage => {
        if (!config.s3) return new LocalDiskStorage(config);
        // Loaded only when S3 is configured: the AWS SDK is a measurable share of boot, and local disk needs none of it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { S3Storage } = require('./storage/s3-storage') as typeof import('./storage/s3-storage');
        return new S3Storage(config.s3);
      },
    },
    AssetService,
    FilesFacade,
    UploadResolver,
    AssetResolver,
  ],
  exports: [FilesFacade],
})
export class FilesModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly assets: AssetService,
  ) {}

  onModuleInit(): void {
    // An asset is visible through node(id) to its uploader only; others see it through what they may see (an entry).
    this.nodes.register('asset', async (id, context) => {
      const { loaders, viewer } = context as GraphQLContext;
      const asset = await loaders.get<string, StoredAsset | null>('files.assetById', (ids) => this.assets.findAssets(ids)).load(id);
      return asset && viewer && asset.ownerId === viewer.profileId ? AssetModel.of(asset) : null;
    });
  }
}
