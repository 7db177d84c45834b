import { errorMessage } from '../errors.js';
import type { Logger } from './logger.js';
import type { ReopenableFile } from './reopenable-file.js';

/** The signal logrotate's `postrotate` sends to have log_file reopened. */
export const REOPEN_SIGNAL: NodeJS.Signals = 'SIGUSR2';

/**
 * Reopens `file` whenever the process gets SIGUSR2, as upstream does on POSIX when log_file is
 * set. A reopen that fails is logged (`failed to rotate log after signal`) and the old file stays
 * in use. Returns the function that removes the handler; calling that twice is safe.
 */
export function reopenOnSignal(file: ReopenableFile, log: Logger): () => void {
  const onSignal = () => {
    try {
      file.reopen();
    } catch (err) {
      log.error({ error: errorMessage(err) }, 'failed to rotate log after signal');
    }
  };
  process.on(REOPEN_SIGNAL, onSignal);
  return () => {
    process.off(REOPEN_SIGNAL, onSignal);
  };
}
