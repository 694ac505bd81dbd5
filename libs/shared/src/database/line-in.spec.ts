import { PassThrough } from 'node:stream';
import { lineIn } from './line-in';

const READY = 'database system is ready to accept connections';
const refusal = 'FATAL:  the database system is not yet accepting connections\nDETAIL:  Consistent recovery state has not been yet reached.\n';

/** Whether `lineIn` has resolved once the chunks were written. */
async function found(chunks: string[]): Promise<boolean> {
  const stream = new PassThrough();
  let resolved = false;
  void lineIn(stream, READY).then(() => (resolved = true));
  for (const chunk of chunks) stream.write(chunk);
  await new Promise((resolve) => setImmediate(resolve));
  return resolved;
}

describe('lineIn', () => {
  it('finds the line alone, split over two or three chunks, and followed in its chunk by many more lines', async () => {
    expect(await found([`LOG:  ${READY}\n`])).toBe(true);
    expect(await found([refusal.repeat(20) + 'LOG:  database system is re', `ady to accept connections\n${refusal}`])).toBe(true);
    expect(await found(['LOG:  database sys', 'tem is ready to accept', ' connections\n'])).toBe(true);
    // As after a crash recovery that clients hammered: the ready line, then their refusals in the same chunk.
    expect(await found([refusal.repeat(10) + `LOG:  ${READY}\n` + refusal.repeat(10)])).toBe(true);
  });

  it('does not resolve before the whole line came', async () => {
    expect(await found([refusal.repeat(20), 'LOG:  database system is ready to accept'])).toBe(false);
    expect(await found([])).toBe(false);
  });
});
