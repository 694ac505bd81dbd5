/**
 * What may be uploaded and what each use accepts (pure). The declared type and size are
 * checked when the upload is created; the bytes are checked again when the asset is used.
 */
import type { FieldProblem } from '@foule/shared';

export const MEGABYTE = 1024 * 1024;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const DOCUMENT_TYPES = ['application/pdf', 'application/zip'] as const;
export type UploadContentType = (typeof IMAGE_TYPES)[number] | (typeof DOCUMENT_TYPES)[number];
export const UPLOAD_TYPES: readonly UploadContentType[] = [...IMAGE_TYPES, ...DOCUMENT_TYPES];

export const MAX_IMAGE_BYTES = 20 * MEGABYTE;
export const MAX_DOCUMENT_BYTES = 200 * MEGABYTE;
export const MAX_IMAGE_PIXELS_PER_SIDE = 8000;
/** How long a client has to send the bytes of an upload. */
export const UPLOAD_TICKET_SECONDS = 15 * 60;

/** ENTRY_IMAGE: a contest entry's picture; HANDOVER_FILE: the winner's final files. */
export type AssetPurpose = 'ENTRY_IMAGE' | 'HANDOVER_FILE';

export const PURPOSE_TYPES: Record<AssetPurpose, readonly UploadContentType[]> = {
  ENTRY_IMAGE: IMAGE_TYPES,
  HANDOVER_FILE: DOCUMENT_TYPES,
};

export function isUploadType(contentType: string): contentType is UploadContentType {
  return (UPLOAD_TYPES as readonly string[]).includes(contentType);
}

export function isImageType(contentType: string): boolean {
  return (IMAGE_TYPES as readonly string[]).includes(contentType);
}

export function maxBytesOf(contentType: UploadContentType): number {
  return isImageType(contentType) ? MAX_IMAGE_BYTES : MAX_DOCUMENT_BYTES;
}

/** Problems with a declared upload, as BAD_USER_INPUT fields; empty when it may be created. */
export function uploadProblems(input: { contentType: string; byteSize: number }): FieldProblem[] {
  if (!isUploadType(input.contentType)) {
    return [{ path: 'contentType', message: `must be one of ${UPLOAD_TYPES.join(', ')}` }];
  }
  const max = maxBytesOf(input.contentType);
  if (!Number.isInteger(input.byteSize) || input.byteSize < 1 || input.byteSize > max) {
    return [{ path: 'byteSize', message: `must be from 1 to ${max} bytes (${max / MEGABYTE} MB) for ${input.contentType}` }];
  }
  return [];
}

/** Why a verified file may not serve this purpose, or null when it may. */
export function purposeProblem(purpose: AssetPurpose, contentType: UploadContentType, byteSize: number): string | null {
  const accepted = PURPOSE_TYPES[purpose];
  if (!accepted.includes(contentType)) return `is ${contentType}, but ${purpose} takes ${accepted.join(', ')}`;
  const max = maxBytesOf(contentType);
  if (byteSize > max) return `has ${byteSize} bytes, more than the ${max / MEGABYTE} MB ${purpose} allows`;
  return null;
}

/** Why an image's pixel size is refused, or null. */
export function dimensionsProblem(width: number, height: number): string | null {
  return width > MAX_IMAGE_PIXELS_PER_SIDE || height > MAX_IMAGE_PIXELS_PER_SIDE
    ? `is ${width}x${height} pixels, more than ${MAX_IMAGE_PIXELS_PER_SIDE}x${MAX_IMAGE_PIXELS_PER_SIDE}`
    : null;
}
