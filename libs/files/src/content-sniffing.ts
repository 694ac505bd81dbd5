/**
 * The type a file's bytes say it is, from its magic numbers (pure): the declared type and the
 * filename are the client's word; these are the file's.
 */
import type { UploadContentType } from './upload-rules';

/** How many leading bytes `sniffContentType` needs. */
export const SNIFF_BYTES = 16;

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const PDF = ascii('%PDF-');
// A local file header; an empty archive (end of central directory only); a spanned archive's marker.
const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x07, 0x08],
];

export function sniffContentType(head: Buffer): UploadContentType | null {
  if (startsWith(head, PNG)) return 'image/png';
  if (startsWith(head, JPEG)) return 'image/jpeg';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, PDF)) return 'application/pdf';
  if (ZIP_SIGNATURES.some((signature) => startsWith(head, signature))) return 'application/zip';
  return null;
}

/** The content type sharp's `format` names, for the formats we accept. */
export function contentTypeOfImageFormat(format: string | undefined): UploadContentType | null {
  switch (format) {
    case 'png':
      return 'image/png';
    case 'jpeg':
    case 'jpg':
      return 'image/jpeg';
    case 'webp':
      return 'image/webp';
    default:
      return null;
  }
}
