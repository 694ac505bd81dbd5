/**
 * PostgreSQL's COPY ends CSV records with a bare line feed; RFC 4180 (and the exports' contract)
 * ends them with CRLF. This stream turns each record-ending LF into CRLF and leaves line breaks
 * inside quoted cells alone. A quote toggles "inside a quoted cell"; an escaped quote ("") toggles
 * twice, so the state stays right across cells and across chunk boundaries.
 *
 * It sees every byte of an export (some 150 MB for a million movements), so it jumps from one
 * quote or line feed to the next with Buffer.indexOf (native, vectorised) instead of looking at
 * each byte in JavaScript, and writes each chunk once into a buffer of its final size.
 *
 * Pure and Nest-free.
 */
import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class CrlfRecords extends Transform {
  private quoted = false;

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
    if (ends.length === 0) return done(null, chunk);
    const out = Buffer.allocUnsafe(chunk.length + ends.length);
    let from = 0;
    let to = 0;
    for (const end of ends) {
      to += chunk.copy(out, to, from, end);
      out[to++] = CR;
      out[to++] = LF;
      from = end + 1;
    }
    chunk.copy(out, to, from);
    done(null, out);
  }
}
