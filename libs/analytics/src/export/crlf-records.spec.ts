import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
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
});
