import type { Writable } from 'node:stream';

/** Writes and waits for the stream to drain when its buffer is full, so huge outputs stay flat in memory. */
export async function writeAll(stream: Writable, text: string): Promise<void> {
  if (text === '') return;
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

/** True when the stream is a terminal (progress lines are shown only then). */
export function isTty(stream: Writable): boolean {
  return (stream as unknown as { isTTY?: boolean }).isTTY === true;
}
