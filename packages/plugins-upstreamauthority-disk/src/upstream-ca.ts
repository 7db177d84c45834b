import { readFile } from 'node:fs/promises';
import { checkUpstreamCredentials, parseCertificatesPem, parseUpstreamKey, type UpstreamCredentials } from '@spire-ts/core/plugin';
import { DiskUpstreamErrors } from './errors.js';

/** Paths of the upstream CA credentials. */
export interface DiskUpstreamPaths {
  certFilePath: string;
  keyFilePath: string;
  bundleFilePath?: string;
}

/**
 * Reads the credentials from disk and checks them with the plugin API's upstream CA checks (the
 * key matches the first certificate; that certificate either is the only one and self-signed, or
 * chains through the rest of the file to a root of the bundle). Throws INVALID_ARGUMENT naming
 * the problem, in SPIRE's disk wording.
 */
export async function loadUpstreamCredentials(p: DiskUpstreamPaths): Promise<UpstreamCredentials> {
  let key;
  try {
    key = parseUpstreamKey(await readFile(p.keyFilePath));
  } catch (err) {
    throw DiskUpstreamErrors.loadKey(err);
  }
  let certs: Uint8Array[];
  try {
    certs = parseCertificatesPem(await readFile(p.certFilePath, 'utf8'));
  } catch (err) {
    throw DiskUpstreamErrors.loadCert(err);
  }
  let bundle: Uint8Array[] | undefined;
  if (p.bundleFilePath) {
    try {
      bundle = parseCertificatesPem(await readFile(p.bundleFilePath, 'utf8'));
    } catch (err) {
      throw DiskUpstreamErrors.loadBundle(err);
    }
  }
  return checkUpstreamCredentials({ ...key, certs, ...(bundle ? { bundle } : {}) }, DiskUpstreamErrors);
}
