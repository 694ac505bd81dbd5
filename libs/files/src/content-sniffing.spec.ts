import { sniffContentType } from './content-sniffing';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('sniffContentType', () => {
  it.each([
    ['image/png', bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13])],
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['image/webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
    ['application/pdf', bytes('%PDF-1.7\n')],
    ['application/zip', bytes('PK', [3, 4], 'rest')],
    ['application/zip', bytes('PK', [5, 6], [0, 0, 0, 0])],
    ['application/zip', bytes('PK', [7, 8], 'PK', [3, 4])],
  ])('recognises %s', (type, head) => {
    expect(sniffContentType(head)).toBe(type);
  });

  it.each([
    ['text', bytes('hello, this is not an image')],
    ['a RIFF that is not WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['a truncated PNG signature', bytes([0x89], 'PNG')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_what, head) => {
    expect(sniffContentType(head)).toBeNull();
  });
});
