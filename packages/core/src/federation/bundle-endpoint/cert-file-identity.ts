import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Code, SpireError, errorMessage } from '../../errors.js';
import { formatDuration } from '../../duration.js';
import type { Logger } from '../../log/logger.js';
import type { BundleEndpointIdentity } from './identity.js';

export interface CertFileIdentityOptions {
  certFilePath: string;
  keyFilePath: string;
  /** How often the files' modification times are checked (file_sync_interval). */
  fileSyncIntervalMs: number;
  log: Logger;
}

async function loadPair(certFilePath: string, keyFilePath: string): Promise<SecureContext> {
  const [cert, key] = await Promise.all([readFile(certFilePath), readFile(keyFilePath)]);
  new X509Certificate(cert); // the first certificate must parse
  // Refuses a key that does not match the certificate.
  return createSecureContext({ cert, key, minVersion: 'TLSv1.2' });
}

async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The https_web identity of `serving_cert_file`: a certificate chain and key from PEM files,
 * served whatever the SNI. Every `file_sync_interval` the files' modification times are checked;
 * when either changed the pair is loaded again, and a pair that fails to load leaves the old one
 * in service (and is tried again at the next check). SPIRE's log lines.
 */
export function certFileIdentity(o: CertFileIdentityOptions): BundleEndpointIdentity {
  let context: SecureContext | undefined;
  let mtimes: [number | undefined, number | undefined] = [undefined, undefined];
  let timer: NodeJS.Timeout | undefined;

  const check = async (): Promise<void> => {
    const now: [number | undefined, number | undefined] = [await mtimeOf(o.certFilePath), await mtimeOf(o.keyFilePath)];
    for (const [i, path] of [o.certFilePath, o.keyFilePath].entries()) {
      if (now[i] === undefined) {
        o.log.error({ file_path: path }, `Failed to get file info, file path ${JSON.stringify(path)} does not exist anymore; please check the path`);
        return;
      }
    }
    if (now[0] === mtimes[0] && now[1] === mtimes[1]) return;
    o.log.info('File change detected, reloading certificate and key...');
    try {
      context = await loadPair(o.certFilePath, o.keyFilePath);
      mtimes = now;
      o.log.info('Loaded provided certificate with success');
    } catch (err) {
      o.log.error({ error: errorMessage(err) }, `Failed to load certificate: ${errorMessage(err)}`);
    }
  };

  return {
    async start() {
      const before: [number | undefined, number | undefined] = [await mtimeOf(o.certFilePath), await mtimeOf(o.keyFilePath)];
      try {
        context = await loadPair(o.certFilePath, o.keyFilePath);
      } catch (err) {
        throw new SpireError(Code.INVALID_ARGUMENT, `failed to load certificate: ${errorMessage(err)}`, { cause: err });
      }
      mtimes = before;
      o.log.info({ interval: formatDuration(o.fileSyncIntervalMs) }, 'Started watching certificate files');
      timer = setInterval(() => void check(), o.fileSyncIntervalMs);
      timer.unref();
    },
    tlsFor() {
      if (!context) return Promise.reject(new SpireError(Code.UNAVAILABLE, 'no serving certificate loaded'));
      return Promise.resolve({ context });
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      o.log.info('Stopping file watcher');
    },
  };
}
