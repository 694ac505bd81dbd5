/**
 * A 64-bit difference hash (dHash) of an image: shrink it to 9x8 grey pixels and record, for each
 * row, whether each pixel is brighter than its right neighbour. Recompressing, resizing or
 * slightly retouching a picture changes few bits; a different picture changes about half.
 * Stored as PostgreSQL `bigint` (signed), so the contest module can compare in SQL:
 * `bit_count((a # b)::bit(64))` is the Hamming distance of two such columns.
 */
import { sharp } from './image-library';

const WIDTH = 9;
const HEIGHT = 8;

/** The 64 comparison bits of a 9x8 greyscale raster, as a signed 64-bit integer (what `bigint` holds). */
export function differenceHashOfPixels(pixels: Uint8Array): bigint {
  if (pixels.length !== WIDTH * HEIGHT) throw new RangeError(`expected ${WIDTH * HEIGHT} grey pixels, got ${pixels.length}`);
  let hash = 0n;
  for (let row = 0; row < HEIGHT; row++) {
    for (let column = 0; column < WIDTH - 1; column++) {
      const left = pixels[row * WIDTH + column];
      const right = pixels[row * WIDTH + column + 1];
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return BigInt.asIntN(64, hash);
}

export async function differenceHash(image: Buffer): Promise<bigint> {
  const pixels = await sharp(image).autoOrient().greyscale().resize(WIDTH, HEIGHT, { fit: 'fill' }).raw().toBuffer();
  return differenceHashOfPixels(pixels);
}

/** How many of the 64 bits differ (what `bit_count((a # b)::bit(64))` computes in SQL). */
export function hammingDistance(a: bigint, b: bigint): number {
  let difference = BigInt.asUintN(64, a ^ b);
  let count = 0;
  while (difference) {
    count += Number(difference & 1n);
    difference >>= 1n;
  }
  return count;
}
