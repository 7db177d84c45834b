import { readFileSync } from 'node:fs';
import { ConfigReader, parseCert, parseCertificatesPem, type Cert, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** tpm_devid's parsed configuration: the two trust bundles, loaded. */
export interface TpmDevidConfig {
  /** Trust anchors of the DevID certificate chain (devid_ca_path). */
  devIdRoots: Cert[];
  /** The TPM manufacturers' CAs the EK certificate must chain to directly (endorsement_ca_path). */
  endorsementRoots: Cert[];
}

/** Reads the certificates of a PEM bundle. Throws Error when the file cannot be read or holds no certificate. */
export function loadBundle(path: string): Cert[] {
  return parseCertificatesPem(readFileSync(path, 'utf8')).map((der) => parseCert(der));
}

/**
 * Reads tpm_devid's plugin_data, collecting every problem with SPIRE's wording: both paths are
 * required and both bundles are loaded (so `spire-server validate` reports a bad file). Unknown
 * options are refused. Never throws.
 */
export function parseTpmDevidConfig(raw: PluginData, _core: CoreConfig): ParseResult<TpmDevidConfig> {
  const r = new ConfigReader(raw);
  const load = (key: string, what: string): Cert[] => {
    const path = r.string(key);
    if (path === undefined && r.has(key)) return []; // the reader named the wrong type
    if (path === undefined || path === '') {
      r.problem(`${key} is required`);
      return [];
    }
    try {
      return loadBundle(path);
    } catch (e) {
      r.problem(`unable to load ${what} trust bundle: ${(e as Error).message}`);
      return [];
    }
  };
  const devIdRoots = load('devid_ca_path', 'DevID');
  const endorsementRoots = load('endorsement_ca_path', 'endorsement');
  return r.result({ devIdRoots, endorsementRoots });
}
