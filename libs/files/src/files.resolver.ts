import { Inject } from '@nestjs/common';
import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Public, SignedIn, type Viewer } from '@foule/shared';
import { AssetModel, CreateUploadInput, UploadTicketModel } from './asset.model';
import { AssetService } from './asset.service';
import { FILE_STORAGE, type FileStorage } from './storage/file-storage';
import { downloadExpiry } from './url-signature';

@Resolver()
export class UploadResolver {
  constructor(private readonly assets: AssetService) {}

  @SignedIn()
  @Mutation(() => UploadTicketModel)
  async createUpload(@Args('input') input: CreateUploadInput, @CurrentViewer() viewer: Viewer): Promise<UploadTicketModel> {
    const ticket = await this.assets.createUpload(viewer.profileId, input);
    return { assetId: ticket.assetId, uploadUrl: ticket.url, method: ticket.method, headers: ticket.headers, expiresAt: ticket.expiresAt };
  }
}

/** Whoever was handed an Asset may fetch it: the URLs are signed and short-lived, checked on every request. */
@Public()
@Resolver(() => AssetModel)
export class AssetResolver {
  constructor(@Inject(FILE_STORAGE) private readonly storage: FileStorage) {}

  @Public()
  @ResolveField(() => String)
  url(@Parent() asset: AssetModel): Promise<string> {
    return this.storage.downloadUrl({ assetId: asset.id, variant: 'original' }, downloadExpiry(new Date()));
  }

  @Public()
  @ResolveField(() => String, { nullable: true })
  async thumbnailUrl(@Parent() asset: AssetModel): Promise<string | null> {
    return asset.hasThumbnail ? this.storage.downloadUrl({ assetId: asset.id, variant: 'thumbnail' }, downloadExpiry(new Date())) : null;
  }
}
