import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The public keys of a PEM file, as SPIRE's k8s_sat reads service_account_key_file: every
 * CERTIFICATE (its key), RSA PUBLIC KEY (PKCS#1) and PUBLIC KEY (PKIX) block; other blocks are
 * skipped. Only RSA and ECDSA keys are accepted. Throws Error when the file cannot be read or a
 * block cannot be parsed or holds another kind of key; returns [] when there is no key block.
 */
export function loadServiceAccountKeys(path: string): KeyObject[] {
  const text = readFileSync(path, 'latin1');
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const keys: KeyObject[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const type = m[1]!;
    const der = Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64');
    let key: KeyObject;
    if (type === 'CERTIFICATE') key = new X509Certificate(der).publicKey;
    else if (type === 'RSA PUBLIC KEY') key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    else if (type === 'PUBLIC KEY') key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    else continue;
    const kind = key.asymmetricKeyType;
    if (kind !== 'rsa' && kind !== 'ec') throw new Error(`unsupported ${kind ?? 'unknown'} key in ${type} block`);
    keys.push(key);
  }
  return keys;
}
