import type { Writable } from 'node:stream';
import type { CliIO } from './command.js';

/** The exit status a shell reports for a process that SIGPIPE ended (128 + 13). */
export const BROKEN_PIPE_STATUS = 141;

/** True for the error a write meets when the stream's reader has gone away. */
export function isBrokenPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/**
 * Makes a broken pipe on any of `streams` call `end(BROKEN_PIPE_STATUS)` instead of raising an
 * unhandled 'error' event. Upstream's Go CLI dies of SIGPIPE when `| head` stops reading; Node
 * ignores SIGPIPE, so this is where the CLI ends just as quietly. Any other stream error is
 * rethrown, as it would have been without the listener. The listener stays for the life of the
 * stream: the EPIPE of a write is emitted a tick later, possibly after the command returned.
 * Calling it twice on a stream adds a second listener (harmless: `end` runs first).
 */
export function endOnBrokenPipe(streams: readonly Writable[], end: (code: number) => void): void {
  for (const stream of streams) {
    stream.on('error', (err) => {
      if (!isBrokenPipe(err)) throw err;
      end(BROKEN_PIPE_STATUS);
    });
  }
}

/**
 * The CliIO of this process, with stdout and stderr ending the process with the SIGPIPE status
 * once their reader is gone (see endOnBrokenPipe). For bin/spire-server; call it once.
 */
export function processIo(): CliIO {
  endOnBrokenPipe([process.stdout, process.stderr], (code) => process.exit(code));
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
