import sharp from 'sharp';
import { differenceHash, differenceHashOfPixels, hammingDistance } from './perceptual-hash';

/** A 256x192 picture: a diagonal gradient with a disc, or vertical stripes. */
function gradientWithDisc(): Promise<Buffer> {
  const width = 256;
  const height = 192;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - 170) ** 2 + (y - 80) ** 2 < 40 ** 2;
      const offset = (y * width + x) * 3;
      pixels[offset] = inDisc ? 230 : x;
      pixels[offset + 1] = inDisc ? 40 : y;
      pixels[offset + 2] = inDisc ? 40 : (x + y) / 2;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

function stripes(): Promise<Buffer> {
  const width = 256;
  const height = 192;
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = Math.floor(x / 19 + y / 23) % 2 ? 220 : 30;
  return sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

describe('differenceHash', () => {
  it('gives the same picture distance 0', async () => {
    const picture = await gradientWithDisc();
    expect(hammingDistance(await differenceHash(picture), await differenceHash(Buffer.from(picture)))).toBe(0);
  });

  it('keeps a recompressed, resized JPEG copy of a PNG within 10 bits', async () => {
    const picture = await gradientWithDisc();
    const copy = await sharp(picture).resize(200).jpeg({ quality: 40 }).toBuffer();
    expect(hammingDistance(await differenceHash(picture), await differenceHash(copy))).toBeLessThanOrEqual(10);
  });

  it('puts a different picture far away', async () => {
    expect(hammingDistance(await differenceHash(await gradientWithDisc()), await differenceHash(await stripes()))).toBeGreaterThan(20);
  });

  it('fits a signed 64-bit bigint, as PostgreSQL stores it', async () => {
    const hash = await differenceHash(await stripes());
    expect(BigInt.asIntN(64, hash)).toBe(hash);
  });
});

describe('differenceHashOfPixels', () => {
  it('sets a bit where a pixel is brighter than its right neighbour, first pixel in the highest bit', () => {
    const falling = Uint8Array.from({ length: 72 }, (_, index) => 255 - (index % 9));
    expect(differenceHashOfPixels(falling)).toBe(-1n); // all 64 bits set
    const rising = Uint8Array.from({ length: 72 }, (_, index) => index % 9);
    expect(differenceHashOfPixels(rising)).toBe(0n);
    const onlyFirst = Uint8Array.from({ length: 72 }, (_, index) => (index === 0 ? 9 : 0));
    expect(differenceHashOfPixels(onlyFirst)).toBe(BigInt.asIntN(64, 1n << 63n));
  });

  it('refuses a raster of the wrong size', () => {
    expect(() => differenceHashOfPixels(new Uint8Array(64))).toThrow(RangeError);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits across the sign bit', () => {
    expect(hammingDistance(0n, -1n)).toBe(64);
    expect(hammingDistance(-1n, BigInt.asIntN(64, 0x7fffffffffffffffn))).toBe(1);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
  });
});
