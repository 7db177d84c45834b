import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

const CA_EXT = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];

function newKey(kind: 'ec' | 'rsa'): string[] {
  return kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
}

/**
 * Test PKI made by the openssl CLI (not by code under test): a self-signed root and an
 * intermediate signed by it, in a temporary directory.
 */
export function makeTestPki(kind: 'ec' | 'rsa' = 'ec'): { dir: string; rootCrt: string; rootKey: string; intCrt: string; intKey: string; intChain: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ua-disk-'));
  run(['req', '-x509', ...newKey(kind), '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-subj', '/O=Upstream Test/CN=root', '-days', '3', ...CA_EXT], dir);
  run(['req', ...newKey(kind), '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=Upstream Test/CN=intermediate'], dir);
  writeFileSync(
    join(dir, 'ext.cnf'),
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  run(['x509', '-req', '-in', 'int.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-set_serial', '4242', '-days', '2', '-extfile', 'ext.cnf', '-out', 'int.crt'], dir);
  return {
    dir,
    rootCrt: join(dir, 'root.crt'),
    rootKey: join(dir, 'root.key'),
    intCrt: join(dir, 'int.crt'),
    intKey: join(dir, 'int.key'),
    intChain: join(dir, 'int.crt'),
  };
}
