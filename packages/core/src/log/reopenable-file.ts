import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The mode log_file is created with, as upstream (before the umask). */
export const LOG_FILE_MODE = 0o640;

/** Opens `path` for appending, creating it (and its directory) when missing. Throws as fs does. */
function openForAppend(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, 'a', LOG_FILE_MODE);
}

/**
 * The log_file destination: every line is written synchronously to the current descriptor, so
 * lines reach the file in the order they were logged and none waits in a buffer. `reopen` (on
 * SIGUSR2, after logrotate renamed the file) opens the path anew and only then closes the old
 * descriptor: a line is written either before the swap, to the renamed file, or after, to the new.
 */
export class ReopenableFile {
  private fd: number;
  private closed = false;

  /** Opens (creating with mode 0640) `path`. Throws when it cannot be opened. */
  constructor(readonly path: string) {
    this.fd = openForAppend(path);
  }

  /**
   * Appends `line`. A failed write is reported on stderr (as logrus does) rather than thrown at
   * whoever logged; the line is lost. A write after `close` is dropped.
   */
  write(line: string): void {
    if (this.closed) return;
    try {
      writeSync(this.fd, line);
    } catch (err) {
      process.stderr.write(`Failed to write to log, ${(err as Error).message}\n`);
    }
  }

  /**
   * Opens the path again and switches to it. Throws when the new file cannot be opened; the old
   * descriptor then stays in use, so nothing is lost. Safe to call repeatedly.
   */
  reopen(): void {
    if (this.closed) return;
    const fd = openForAppend(this.path);
    const old = this.fd;
    this.fd = fd;
    closeSync(old);
  }

  /** Closes the file; later writes are dropped. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
