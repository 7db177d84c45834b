import { readFileSync } from 'node:fs';
import { ConfigReader, parseCert, PathTemplate, type Cert, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** x509pop's parsed configuration. */
export interface X509popConfig {
  mode: 'external_pki' | 'spiffe';
  /** The CA certificates of external_pki mode (empty in spiffe mode). */
  trustBundle: Cert[];
  /** Always ends with '/'. */
  svidPrefix: string;
  pathTemplate: PathTemplate;
  maxIntermediates: number;
  maxRsaKeySize: number;
  verifyClientIp: boolean;
}

/** SPIRE's default agent paths, by mode. */
export const DEFAULT_TEMPLATE_CN = '/{{ .PluginName }}/{{ .Fingerprint }}';
export const DEFAULT_TEMPLATE_SVID = '/{{ .PluginName }}/{{ .SVIDPathTrimmed }}';

/**
 * Loads the CERTIFICATE blocks of a PEM file (other blocks are skipped, as SPIRE does). Throws
 * Error when the file cannot be read, a block is not a certificate or there is none.
 */
export function loadCertificates(path: string): Cert[] {
  const text = readFileSync(path, 'utf8');
  const certs: Cert[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  let block = 0;
  for (let m = re.exec(text); m; m = re.exec(text), block++) {
    if (m[1] !== 'CERTIFICATE') continue;
    try {
      certs.push(parseCert(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64')));
    } catch (e) {
      throw new Error(`unable to parse certificate in block ${block}: ${(e as Error).message}`);
    }
  }
  if (certs.length === 0) throw new Error('no certificates found in file');
  return certs;
}

/**
 * Reads x509pop's plugin_data, collecting every problem with SPIRE's wording. It reads the CA
 * bundle files (as SPIRE's Validate does, so `spire-server validate` reports a bad path) but
 * touches nothing else. Never throws.
 *
 * SPIRE's code reads the prefix from `spiffe_prefix` while its docs name `svid_prefix`; both are
 * accepted here (not both at once).
 */
export function parseX509popConfig(raw: PluginData, _core: CoreConfig): ParseResult<X509popConfig> {
  const r = new ConfigReader(raw);
  const modeRaw = r.string('mode');
  let mode: X509popConfig['mode'] = 'external_pki';
  if (modeRaw !== undefined && modeRaw !== '') {
    if (modeRaw === 'external_pki' || modeRaw === 'spiffe') mode = modeRaw;
    else r.problem('mode can only be either spiffe or external_pki');
  }
  const one = r.string('ca_bundle_path') ?? '';
  const many = r.strings('ca_bundle_paths') ?? [];
  const trustBundle: Cert[] = [];
  if (mode === 'external_pki') {
    if (one !== '' && many.length > 0) r.problem('only one of ca_bundle_path or ca_bundle_paths can be configured, not both');
    const paths = one !== '' ? [one] : many;
    if (paths.length === 0) r.problem('one of ca_bundle_path or ca_bundle_paths must be configured');
    for (const p of paths) {
      try {
        trustBundle.push(...loadCertificates(p));
      } catch (e) {
        r.problem(`unable to load trust bundle "${p}": ${(e as Error).message}`);
      }
    }
  } else if (one !== '' || many.length > 0) {
    r.problem('you can not use ca_bundle_path or ca_bundle_paths in spiffe mode');
  }

  const templateText = r.string('agent_path_template') ?? '';
  let pathTemplate = PathTemplate.parse(mode === 'spiffe' ? DEFAULT_TEMPLATE_SVID : DEFAULT_TEMPLATE_CN);
  if (templateText !== '') {
    try {
      pathTemplate = PathTemplate.parse(templateText);
    } catch (e) {
      r.problem(`failed to parse agent svid template: ${JSON.stringify(templateText)}: ${(e as Error).message}`);
    }
  }

  if (r.has('spiffe_prefix') && r.has('svid_prefix')) r.problem('only one of spiffe_prefix or svid_prefix can be configured, not both');
  const spiffePrefix = r.string('spiffe_prefix');
  const prefixRaw = spiffePrefix ?? r.string('svid_prefix');
  if (spiffePrefix !== undefined) r.allow('svid_prefix');
  let svidPrefix = prefixRaw ?? '/spire-exchange/';
  if (!svidPrefix.endsWith('/')) svidPrefix += '/';

  const positive = (key: string, def: number) => {
    const v = r.int(key);
    if (v === undefined) return def;
    if (v <= 0) r.problem(`${key} must be greater than 0`);
    return v;
  };
  const maxIntermediates = positive('max_intermediates', 4);
  const maxRsaKeySize = positive('max_rsa_key_size', 8192);
  const verifyClientIp = r.bool('verify_client_ip', { default: false }) ?? false;

  return r.result({ mode, trustBundle, svidPrefix, pathTemplate, maxIntermediates, maxRsaKeySize, verifyClientIp });
}
