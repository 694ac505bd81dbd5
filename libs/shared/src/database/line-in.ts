/**
 * Resolves once `text` has come out of `stream`. It may arrive split over two chunks, or followed
 * in its chunk by many more lines (the refusals of clients that tried during a crash recovery):
 * looked for in what came, then only the end kept for the next chunk.
 */
export function lineIn(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    let tail = '';
    const look = (chunk: Buffer | string) => {
      const seen = tail + chunk.toString();
      if (seen.includes(text)) {
        stream.off('data', look);
        resolve();
      }
      tail = seen.slice(-text.length);
    };
    stream.on('data', look);
  });
}
