import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString } from 'class-validator';
import { Node, TextRule } from '@foule/shared';
import type { StoredAsset } from './asset.service';

@ObjectType('Asset', { implements: () => [Node] })
export class AssetModel implements Node {
  @Field(() => ID) id: string;
  @Field() contentType: string;
  @Field(() => Int) byteSize: number;
  @Field(() => Int, { nullable: true }) width: number | null;
  @Field(() => Int, { nullable: true }) height: number | null;
  /** Not a field: tells the resolver whether `thumbnailUrl` has a file to sign. */
  hasThumbnail: boolean;

  static of(asset: Pick<StoredAsset, 'id' | 'contentType' | 'byteSize' | 'width' | 'height' | 'hasThumbnail'>): AssetModel {
    return Object.assign(new AssetModel(), {
      id: asset.id,
      contentType: asset.contentType,
      byteSize: asset.byteSize,
      width: asset.width,
      height: asset.height,
      hasThumbnail: asset.hasThumbnail,
    });
  }
}

@ObjectType('HttpHeader')
export class HttpHeaderModel {
  @Field() name: string;
  @Field() value: string;
}

@ObjectType('UploadTicket')
export class UploadTicketModel {
  @Field(() => ID) assetId: string;
  @Field({ description: 'the client sends the bytes here with this method and these headers' }) uploadUrl: string;
  @Field() method: string;
  @Field(() => [HttpHeaderModel]) headers: HttpHeaderModel[];
  @Field() expiresAt: Date;
}

@InputType('CreateUploadInput')
export class CreateUploadInput {
  @Field()
  @TextRule({ min: 1, max: 255 })
  filename: string;

  @Field({ description: 'image/png, image/jpeg, image/webp; application/pdf and application/zip for handover files' })
  @IsString()
  contentType: string;

  @Field(() => Int)
  @IsInt()
  byteSize: number;
}
