/**
 * The api's file routes for local disk storage: `PUT /uploads/<assetId>` receives an upload's
 * bytes, `GET /files/<assetId>[/thumbnail]` serves them. Both are authorized by the URL's
 * signature alone (see url-signature.ts); anything expired, tampered, or not what the ticket
 * declared is 403. With S3 storage these routes answer 404.
 */
import { Controller, Get, HttpCode, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DomainError, Public } from '@foule/shared';
import { AssetService } from './asset.service';
import { FILE_STORAGE, type FileStorage, type FileVariant } from './storage/file-storage';
import { LocalDiskStorage, UploadRefused } from './storage/local-disk-storage';
import { checkSignature, type SignedRequest } from './url-signature';

@Controller()
export class LocalFilesController {
  constructor(
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly assets: AssetService,
  ) {}

  @Public()
  @Put('uploads/:assetId')
  @HttpCode(200)
  async receive(
    @Param('assetId') assetId: string,
    @Query('expires') expires: string,
    @Query('signature') signature: string,
    @Req() request: Request,
  ): Promise<{ assetId: string; byteSize: number }> {
    const storage = this.localStorage();
    const asset = await this.assets.findById(assetId);
    if (!asset) throw DomainError.forbidden('This upload URL is not valid');
    this.checkUrl(storage, { method: 'PUT', assetId, variant: 'original', contentType: asset.contentType, byteSize: asset.byteSize, expires: Number(expires) }, signature);
    if (asset.claimedAt) throw DomainError.forbidden('This asset was already uploaded and used');
    const contentType = request.headers['content-type']?.trim().toLowerCase();
    if (contentType !== asset.contentType) {
      throw DomainError.forbidden(`This upload must be sent with Content-Type: ${asset.contentType}, not ${contentType ?? 'none'}`);
    }
    if (request.headers['content-length'] !== String(asset.byteSize)) {
      throw DomainError.forbidden(`This upload must be sent with Content-Length: ${asset.byteSize} (the declared size)`);
    }
    try {
      await storage.receive({ assetId, contentType: asset.contentType, byteSize: asset.byteSize }, request);
    } catch (error) {
      if (error instanceof UploadRefused) throw DomainError.forbidden(`Upload refused: ${error.message}`);
      throw error;
    }
    return { assetId, byteSize: asset.byteSize };
  }

  @Public()
  @Get('files/:assetId')
  serve(@Param('assetId') assetId: string, @Query('expires') expires: string, @Query('signature') signature: string, @Res() response: Response) {
    return this.send('original', assetId, expires, signature, response);
  }

  @Public()
  @Get('files/:assetId/thumbnail')
  serveThumbnail(@Param('assetId') assetId: string, @Query('expires') expires: string, @Query('signature') signature: string, @Res() response: Response) {
    return this.send('thumbnail', assetId, expires, signature, response);
  }

  private async send(variant: FileVariant, assetId: string, expires: string, signature: string, response: Response): Promise<void> {
    const storage = this.localStorage();
    this.checkUrl(storage, { method: 'GET', assetId, variant, expires: Number(expires) }, signature);
    const asset = await this.assets.findById(assetId);
    const key = { assetId, variant };
    const size = asset ? await storage.size(key) : null;
    if (!asset || size === null) throw DomainError.notFound('File');
    response.status(200).set({
      'Content-Type': variant === 'thumbnail' ? 'image/webp' : asset.contentType,
      'Content-Length': String(size),
      'X-Content-Type-Options': 'nosniff',
      // The URL expires; a shared cache must not keep serving it, a browser may within the URL's life.
      'Cache-Control': 'private, max-age=300',
    });
    // pipeline destroys the response if the file cannot be read midway: the client sees a cut transfer, not a truncated file.
    await pipeline(storage.openForReading(key), response).catch(() => undefined);
  }

  private localStorage(): LocalDiskStorage {
    if (!(this.storage instanceof LocalDiskStorage)) throw DomainError.notFound('Route');
    return this.storage;
  }

  private checkUrl(storage: LocalDiskStorage, request: SignedRequest, signature: string | undefined): void {
    const check = checkSignature(storage.signingKey, request, signature, new Date());
    if (check === 'expired') throw DomainError.forbidden('This URL has expired');
    if (check === 'invalid') throw DomainError.forbidden('This URL is not valid');
  }
}
