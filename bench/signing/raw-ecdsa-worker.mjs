// Baseline worker: raw ECDSA P-256 with node:crypto, as fast as it can, for the given duration.
// One "op" = one signature verification plus one signature.
//   mode "same":  every verification uses one already-imported public key (the textbook rate).
//   mode "fresh": every verification first imports a different public key from its coordinates,
//                 as verifying a CSR from a new workload key must.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

const { pkcs8, durationMs, mode } = workerData;
const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
const msg = Buffer.alloc(450, 7);
const peers = Array.from({ length: mode === 'fresh' ? 200 : 1 }, () => {
  const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = kp.publicKey.export({ format: 'jwk' });
  return { jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, pub: kp.publicKey, sig: sign('sha256', msg, kp.privateKey) };
});
const end = performance.now() + durationMs;
let ops = 0;
while (performance.now() < end) {
  for (let i = 0; i < 20; i++) {
    const p = peers[ops % peers.length];
    const pub = mode === 'fresh' ? createPublicKey({ key: p.jwk, format: 'jwk' }) : p.pub;
    if (!verify('sha256', msg, pub, p.sig)) throw new Error('baseline verify failed');
    sign('sha256', msg, key);
    ops++;
  }
}
parentPort.postMessage(ops);
