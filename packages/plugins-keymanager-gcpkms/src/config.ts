import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { serviceAccountFileProblem } from '@spire-ts/plugin-gcp';
import { CRYPTO_KEY_PREFIX } from './naming.js';

/** Options of KeyManager "gcp_kms". */
export interface GcpKmsConfig {
  /** The key ring, `projects/<p>/locations/<l>/keyRings/<name>`. */
  keyRing: string;
  /** A file holding this server's UUID (created 0600 when missing); '' when the value is given. */
  keyIdentifierFile: string;
  /** This server's identifier, given directly; '' when the file is used. */
  keyIdentifierValue: string;
  /** A JSON IAM policy set on every new crypto key; '' for SPIRE's default policy. */
  keyPolicyFile: string;
  /** Service account key file for the KMS client ('' = Application Default Credentials). */
  serviceAccountFile: string;
}

/** The longest crypto key ID Cloud KMS takes. */
const MAX_CRYPTO_KEY_ID = 63;
/** The longest SPIRE key ID ("JWT-Signer-A"). */
const MAX_SPIRE_KEY_ID = 'JWT-Signer-A'.length;
/** The longest `key_identifier_value`: what fits `spire-key-<value>-<key id>` in a crypto key ID. */
export const MAX_KEY_IDENTIFIER_LENGTH = MAX_CRYPTO_KEY_ID - CRYPTO_KEY_PREFIX.length - 2 - MAX_SPIRE_KEY_ID;

/**
 * Reads gcp_kms's plugin_data, collecting every problem with SPIRE's words. Beyond SPIRE, a
 * `service_account_file` that cannot be read or is not a service account key is refused here.
 * The key policy file is read at configure (INTERNAL, as SPIRE). Never throws.
 */
export function parseGcpKmsConfig(raw: PluginData): ParseResult<GcpKmsConfig> {
  const r = new ConfigReader(raw);
  const keyRing = r.string('key_ring') ?? '';
  const keyIdentifierFile = r.string('key_identifier_file') ?? '';
  const keyIdentifierValue = r.string('key_identifier_value') ?? '';
  if (keyRing === '') r.problem('configuration is missing the key ring');
  if (keyIdentifierFile === '' && keyIdentifierValue === '') r.problem('configuration requires a key identifier file or a key identifier value');
  if (keyIdentifierFile !== '' && keyIdentifierValue !== '') r.problem("configuration can't have a key identifier file and a key identifier value at the same time");
  if (keyIdentifierValue !== '') {
    // SPIRE's check: lower-case letters, digits, '-' and '_' (its message says "letters").
    if (!/^[\p{Ll}\p{N}_-]+$/u.test(keyIdentifierValue)) r.problem('Key identifier must contain only letters, numbers, underscores (_), and dashes (-)');
    if (keyIdentifierValue.length > MAX_KEY_IDENTIFIER_LENGTH) r.problem(`Key identifier must not be longer than ${MAX_KEY_IDENTIFIER_LENGTH} characters`);
  }
  const serviceAccountFile = r.string('service_account_file') ?? '';
  if (serviceAccountFile !== '') {
    const p = serviceAccountFileProblem(serviceAccountFile);
    if (p) r.problem(`service_account_file: ${p}`);
  }
  return r.result({ keyRing, keyIdentifierFile, keyIdentifierValue, keyPolicyFile: r.string('key_policy_file') ?? '', serviceAccountFile });
}
