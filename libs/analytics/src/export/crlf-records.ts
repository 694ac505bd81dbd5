/**
 * PostgreSQL's COPY ends CSV records with a bare line feed; RFC 4180 (and the exports' contract)
 * ends them with CRLF. This stream turns each record-ending LF into CRLF and leaves line breaks
 * inside quoted cells alone. A quote toggles "inside a quoted cell"; an escaped quote ("") toggles
 * twice, so the state stays right across cells and across chunk boundaries.
 *
 * Pure and Nest-free.
 */
import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

export class CrlfRecords extends Transform {
  private quoted = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const parts: Buffer[] = [];
    let start = 0;
    let quoted = this.quoted;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === LF && !quoted) {
        parts.push(chunk.subarray(start, i), CRLF);
        start = i + 1;
      }
    }
    this.quoted = quoted;
    if (start === 0) return done(null, chunk);
    parts.push(chunk.subarray(start));
    done(null, Buffer.concat(parts));
  }
}
