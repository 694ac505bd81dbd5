import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { CrlfRecords } from './crlf-records';

const through = (chunks: string[]) => text(Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(new CrlfRecords()));

describe('CRLF records', () => {
  it('ends every record with CRLF', async () => {
    expect(await through(['a,b\n1,2\n'])).toBe('a,b\r\n1,2\r\n');
  });

  it('leaves line breaks inside quoted cells alone, escaped quotes included', async () => {
    expect(await through(['id,title\nk1,"Logo, ""bold""\nnew"\nk2,plain\n'])).toBe('id,title\r\nk1,"Logo, ""bold""\nnew"\r\nk2,plain\r\n');
  });

  it('keeps track of a quoted cell across chunk boundaries', async () => {
    expect(await through(['k1,"two\n', 'lines",x\n', '\nk2,""', '"\n"\n'])).toBe('k1,"two\nlines",x\r\n\r\nk2,"""\n"\r\n');
  });

  it('passes chunks without a record end unchanged', async () => {
    expect(await through(['abc', 'def\n'])).toBe('abcdef\r\n');
  });

  it('agrees with a byte-by-byte reading on many records cut at arbitrary points', async () => {
    // A small deterministic generator (no Math.random: a failure replays the same input).
    let state = 12345;
    const next = (n: number) => {
      state = (state * 48271) % 2147483647;
      return state % n;
    };
    const alphabet = ['a', '1', ',', '"', '\n', '\r', ' '];
    let input = '';
    for (let record = 0; record < 400; record++) {
      const cells: string[] = [];
      for (let c = 0; c < 1 + next(4); c++) {
        let cell = '';
        for (let i = 0; i < next(8); i++) cell += alphabet[next(alphabet.length)];
        cells.push(next(2) ? `"${cell.replace(/"/g, '""')}"` : cell.replace(/["\n]/g, 'x'));
      }
      input += `${cells.join(',')}\n`;
    }
    let expected = '';
    let quoted = false;
    for (const char of input) {
      if (char === '"') quoted = !quoted;
      expected += char === '\n' && !quoted ? '\r\n' : char;
    }
    const chunks: string[] = [];
    for (let at = 0; at < input.length; ) {
      const size = 1 + next(16);
      chunks.push(input.slice(at, at + size));
      at += size;
    }
    expect(chunks.length).toBeGreaterThan(100);
    expect(expected).not.toBe(input.replace(/\n/g, '\r\n')); // some line feeds are inside quoted cells
    expect(await through(chunks)).toBe(expected);
  });

  it('passes small chunks on in batches of 64 KB, the last one at the end', async () => {
    const record = 'mov_1,2025-03-20T10:00:00.000Z,pledge.collected,EUR,5000\n'; // 57 bytes, 58 with CRLF
    const sizes: number[] = [];
    const stream = Readable.from(Array.from({ length: 3000 }, () => Buffer.from(record))).pipe(new CrlfRecords());
    stream.on('data', (chunk: Buffer) => sizes.push(chunk.length));
    await finished(stream);
    expect(sizes).toEqual([65536, 65536, 3000 * 58 - 2 * 65536]);
  });
});
