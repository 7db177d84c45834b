import { checkUpstreamCredentials, parseCertificatesPem, parseUpstreamKey, type UpstreamCredentials } from '@spire-ts/core/plugin';
import { awsErrorText } from '@spire-ts/plugin-aws';
import type { AwsSecretConfig } from './config.js';
import { AwsSecretErrors } from './errors.js';
import type { SecretReader } from './secret-reader.js';

async function read(reader: SecretReader, arn: string): Promise<string> {
  try {
    return await reader.readString(arn);
  } catch (err) {
    throw AwsSecretErrors.readSecret(arn, awsErrorText(err), err);
  }
}

/**
 * Reads the key, the certificate and (when configured) the bundle from Secrets Manager, in
 * SPIRE's order, and checks them with the plugin API's upstream CA checks: without a bundle the
 * certificate secret must hold one self-signed certificate; the key must match the first
 * certificate, which must chain to the bundle. Throws SPIRE's awssecret errors; reads nothing
 * else and keeps nothing on failure.
 */
export async function loadUpstreamCAFromSecrets(c: AwsSecretConfig, reader: SecretReader): Promise<UpstreamCredentials> {
  const keyPem = await read(reader, c.keyFileArn);
  const certPem = await read(reader, c.certFileArn);
  const bundlePem = c.bundleFileArn ? await read(reader, c.bundleFileArn) : '';
  let key;
  try {
    key = parseUpstreamKey(keyPem);
  } catch (err) {
    throw AwsSecretErrors.parseKey(err);
  }
  let certs: Uint8Array[];
  try {
    certs = parseCertificatesPem(certPem);
  } catch (err) {
    throw AwsSecretErrors.parseCert(err);
  }
  let bundle: Uint8Array[] | undefined;
  if (bundlePem) {
    try {
      bundle = parseCertificatesPem(bundlePem);
    } catch (err) {
      throw AwsSecretErrors.loadBundle(err);
    }
  }
  return checkUpstreamCredentials({ ...key, certs, ...(bundle ? { bundle } : {}) }, AwsSecretErrors);
}
