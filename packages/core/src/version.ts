/** The SPIRE release this server is compatible with, reported by `--version` and debug GetInfo. */
export const VERSION = '1.16.0';
