import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** ejbca's parsed configuration. */
export interface EjbcaConfig {
  /** The API's origin, `https://<hostname>`. */
  baseUrl: string;
  caCertPath: string;
  clientCertPath: string;
  clientCertKeyPath: string;
  caName: string;
  endEntityProfileName: string;
  certificateProfileName: string;
  /** `cn`, `dns`, `uri`, `ip`, a literal name, or '' for SPIRE's default order. */
  endEntityName: string;
  accountBindingId: string;
}

/** The environment variables SPIRE's ejbca reads when the option is not set. */
export const EJBCA_ENV = {
  caCertPath: 'EJBCA_CA_CERT_PATH',
  clientCertPath: 'EJBCA_CLIENT_CERT_PATH',
  clientCertKeyPath: 'EJBCA_CLIENT_CERT_KEY_PATH',
} as const;

function baseUrl(r: ConfigReader, hostname: string): string {
  // SPIRE's client takes a bare host[:port]; its tests pass "https://host:port", which works too.
  const host = hostname.replace(/^https:\/\//, '').replace(/\/$/, '');
  try {
    const u = new URL(`https://${host}`);
    if (u.pathname === '/' && u.search === '' && u.hash === '' && u.username === '' && `${u.host}` === host.toLowerCase()) return u.origin;
  } catch {
    // reported below
  }
  r.problem(`hostname ${JSON.stringify(hostname)} is not a host name with an optional port`);
  return '';
}

/**
 * Reads ejbca's plugin_data as SPIRE's does: `hostname`, `ca_name`, `end_entity_profile_name` and
 * `certificate_profile_name` are required; `client_cert_path`, `client_cert_key_path` and
 * `ca_cert_path` fall back to `EJBCA_CLIENT_CERT_PATH`, `EJBCA_CLIENT_CERT_KEY_PATH` and
 * `EJBCA_CA_CERT_PATH` when unset or empty (the value in plugin_data wins, as SPIRE's code does).
 * Collects every problem; unknown options are refused. Reads no file. Never throws.
 */
export function parseEjbcaConfig(raw: PluginData, env: NodeJS.ProcessEnv = process.env): ParseResult<EjbcaConfig> {
  const r = new ConfigReader(raw);
  const required = (key: string): string => {
    const v = r.string(key) ?? '';
    if (v === '') r.problem(`${key} is required`);
    return v;
  };
  const orEnv = (key: string, name: string): string => {
    const v = r.string(key) ?? '';
    return v !== '' ? v : (env[name] ?? '');
  };
  const hostname = required('hostname');
  const caName = required('ca_name');
  const endEntityProfileName = required('end_entity_profile_name');
  const certificateProfileName = required('certificate_profile_name');
  const clientCertPath = orEnv('client_cert_path', EJBCA_ENV.clientCertPath);
  const clientCertKeyPath = orEnv('client_cert_key_path', EJBCA_ENV.clientCertKeyPath);
  if (clientCertPath === '') r.problem(`client_cert_path or ${EJBCA_ENV.clientCertPath} is required for mTLS authentication`);
  if (clientCertKeyPath === '') r.problem(`client_cert_key_path or ${EJBCA_ENV.clientCertKeyPath} is required for mTLS authentication`);
  const config: EjbcaConfig = {
    baseUrl: hostname === '' ? '' : baseUrl(r, hostname),
    caCertPath: orEnv('ca_cert_path', EJBCA_ENV.caCertPath),
    clientCertPath,
    clientCertKeyPath,
    caName,
    endEntityProfileName,
    certificateProfileName,
    endEntityName: r.string('end_entity_name') ?? '',
    accountBindingId: r.string('account_binding_id') ?? '',
  };
  return r.result(config);
}
