import type { Writable } from 'node:stream';

/** Writes and waits for the stream to drain when its buffer is full, so huge outputs stay flat in memory. */
export async function writeAll(stream: Writable, text: string): Promise<void> {
  if (text === '' || stream.destroyed) return;
  if (stream.write(text)) return;
  // A reader that went away (EPIPE) never drains; stop waiting when the stream errors or closes.
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}

/** True when the stream is a terminal (progress lines are shown only then). */
export function isTty(stream: Writable): boolean {
  return (stream as unknown as { isTTY?: boolean }).isTTY === true;
}
