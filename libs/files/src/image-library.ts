/**
 * sharp, loaded on first use rather than at boot: its JavaScript (about 70 files with its
 * dependencies) and libvips, a large native library, were 0.07-0.1 s of every boot (issue 13),
 * and only an upload's check and thumbnail need them.
 */
import type Sharp from 'sharp';

let loaded: typeof Sharp | undefined;

export function sharp(...args: Parameters<typeof Sharp>): ReturnType<typeof Sharp> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('sharp') as typeof Sharp;
  return loaded(...args);
}
