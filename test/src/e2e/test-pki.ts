import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './harness.js';

/** A test X.509 CA made with openssl in `dir`: ca.pem / ca.key. */
export function makeX509Ca(dir: string): { caPath: string } {
  run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'ca.key')]);
  run('openssl', [
    'req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', '/CN=x509pop test CA', '-days', '2', '-out', join(dir, 'ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { caPath: join(dir, 'ca.pem') };
}

/** A leaf signed by the CA of makeX509Ca (openssl), for `cn`: its DER and private key. */
export function makeX509Leaf(dir: string, name: string, cn: string): { der: Buffer; key: KeyObject } {
  const key = join(dir, `${name}.key`);
  run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  run('openssl', ['req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-out', join(dir, `${name}.csr`)]);
  writeFileSync(join(dir, `${name}.ext`), 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  run('openssl', [
    'x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-set_serial', String(Date.now()),
    '-days', '1', '-extfile', join(dir, `${name}.ext`), '-outform', 'DER', '-out', join(dir, `${name}.der`),
  ]);
  return { der: readFileSync(join(dir, `${name}.der`)), key: createPrivateKey(readFileSync(key)) };
}

/** An SSH host CA made with ssh-keygen in `dir`: its public key line file. */
export function makeSshCa(dir: string): { caPubPath: string } {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sshpop-test-ca', '-f', join(dir, 'ssh_ca')]);
  return { caPubPath: join(dir, 'ssh_ca.pub') };
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/**
 * An ed25519 host key (made here) with a host certificate for `principal` signed by the CA with
 * ssh-keygen: the certificate blob and the private key.
 */
export function makeSshHostCert(dir: string, name: string, principal: string): { certBlob: Buffer; key: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32);
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  writeFileSync(join(dir, `${name}.pub`), `ssh-ed25519 ${blob.toString('base64')} ${name}\n`);
  run('ssh-keygen', ['-q', '-s', join(dir, 'ssh_ca'), '-I', name, '-h', '-n', principal, '-V', '-5m:+1h', join(dir, `${name}.pub`)]);
  const line = readFileSync(join(dir, `${name}-cert.pub`), 'utf8').trim().split(/\s+/);
  return { certBlob: Buffer.from(line[1]!, 'base64'), key: privateKey };
}
