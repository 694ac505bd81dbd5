/**
 * PostgreSQL's COPY ends CSV records with a bare line feed; RFC 4180 (and the exports' contract)
 * ends them with CRLF. This stream turns each record-ending LF into CRLF and leaves line breaks
 * inside quoted cells alone. A quote toggles "inside a quoted cell"; an escaped quote ("") toggles
 * twice, so the state stays right across cells and across chunk boundaries.
 *
 * It sees every byte of an export (some 130 MB for a million movements), so it jumps from one
 * quote or line feed to the next with Buffer.indexOf (native, vectorised) instead of looking at
 * each byte in JavaScript. And it passes the bytes on in batches of 64 KB: PostgreSQL streaming
 * rows as it reads them (no sort first) sends them 8 KB at a time, and a write to the response
 * per 8 KB (a chunk header, a system call, a read in the client) cost more than the copy here.
 * The batch is the stream's only buffer: memory stays flat whatever the export's size.
 *
 * Pure and Nest-free.
 */
import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');
const BATCH_BYTES = 64 * 1024;

export class CrlfRecords extends Transform {
  private quoted = false;
  private batch = Buffer.allocUnsafe(BATCH_BYTES);
  private filled = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // The offsets of the record-ending line feeds of this chunk.
    const ends: number[] = [];
    let quoted = this.quoted;
    let at = 0;
    let nextQuote = chunk.indexOf(QUOTE);
    let nextLf = chunk.indexOf(LF);
    for (;;) {
      if (quoted) {
        // Inside a quoted cell only a quote matters: it closes the cell (or starts an escaped
        // quote, which the next quote reopens).
        if (nextQuote < 0) break;
        quoted = false;
        at = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, at);
      } else if (nextLf >= 0 && (nextQuote < 0 || nextLf < nextQuote)) {
        ends.push(nextLf);
        at = nextLf + 1;
        nextLf = chunk.indexOf(LF, at);
      } else if (nextQuote >= 0) {
        quoted = true;
        at = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, at);
      } else break;
      // A line feed passed over inside a quoted cell is not a record end: look for the next one.
      if (nextLf >= 0 && nextLf < at) nextLf = chunk.indexOf(LF, at);
    }
    this.quoted = quoted;
    let from = 0;
    for (const end of ends) {
      this.put(chunk, from, end);
      this.put(CRLF, 0, CRLF.length);
      from = end + 1;
    }
    this.put(chunk, from, chunk.length);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.pushBatch();
    done();
  }

  /** Copies source[from, to) into the batch, passing each batch on once full. */
  private put(source: Buffer, from: number, to: number): void {
    while (from < to) {
      const copied = source.copy(this.batch, this.filled, from, Math.min(to, from + BATCH_BYTES - this.filled));
      this.filled += copied;
      from += copied;
      if (this.filled === BATCH_BYTES) this.pushBatch();
    }
  }

  private pushBatch(): void {
    if (this.filled === 0) return;
    this.push(this.filled === BATCH_BYTES ? this.batch : this.batch.subarray(0, this.filled));
    this.batch = Buffer.allocUnsafe(BATCH_BYTES);
    this.filled = 0;
  }
}
