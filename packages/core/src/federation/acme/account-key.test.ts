import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'acme-client';
import { InProcessKeyManager } from '../../plugins/keymanager/in-process-key-manager.js';
import { ACCOUNT_KEY_ID, certKeyId, loadAccountKey, useAccountKey } from './account-key.js';
import { recordingLogger } from './test-support/acme-harness.js';

test('SPIRE key names', () => {
  assert.equal(ACCOUNT_KEY_ID, 'bundle-acme-acme_account+key');
  assert.equal(certKeyId('bundle.spire.test'), 'bundle-acme-bundle.spire.test');
});

test('the account key is generated once in the KeyManager (EC P-256) and logged', async () => {
  const km = new InProcessKeyManager([]);
  const { log, records } = recordingLogger();
  const a = await loadAccountKey(km, log);
  const b = await loadAccountKey(km, log);
  assert.equal((await km.getPublicKey(ACCOUNT_KEY_ID)).type, 'ec-p256');
  assert.deepEqual(a.jwk, b.jwk);
  assert.deepEqual(Object.keys(a.jwk), ['crv', 'kty', 'x', 'y']);
  assert.equal(a.alg, 'ES256');
  assert.deepEqual(records.filter((r) => r.msg === 'Generated new key').map((r) => r.id), [ACCOUNT_KEY_ID]);
});

test('JWS signatures (ES256 r||s, RS256) verify against the JWK', async () => {
  const km = new InProcessKeyManager([]);
  const { log } = recordingLogger();
  for (const type of ['ec-p256', 'rsa-2048'] as const) {
    await km.generateKey(ACCOUNT_KEY_ID, type);
    const key = await loadAccountKey(km, log);
    const pub = createPublicKey({ key: key.jwk, format: 'jwk' });
    for (let i = 0; i < 20; i++) {
      const input = `header${i}.payload`;
      const sig = Buffer.from(await key.sign(input), 'base64url');
      if (type === 'ec-p256') assert.equal(sig.length, 64);
      assert.ok(verify('sha256', Buffer.from(input), { key: pub, dsaEncoding: 'ieee-p1363' }, sig), `${type} #${i}`);
    }
  }
});

test('useAccountKey: the client thumbprints the KeyManager key', async () => {
  const km = new InProcessKeyManager([]);
  const { log } = recordingLogger();
  const key = await loadAccountKey(km, log);
  const client = new Client({ directoryUrl: 'https://127.0.0.1:1/dir', accountKey: Buffer.alloc(0) });
  useAccountKey(client, key, 'SPIRE-1.16.0');
  const ka = await client.getChallengeKeyAuthorization({ type: 'http-01', token: 'tok', url: 'u', status: 'pending' });
  const thumb = createHash('sha256').update(JSON.stringify(key.jwk)).digest('base64url');
  assert.equal(ka, `tok.${thumb}`);
});

test('useAccountKey: requests carry the user agent SPIRE-<version>', async () => {
  const agents: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    agents.push(req.headers['user-agent']);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ meta: { termsOfService: 'https://ca.example/tos' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const { log } = recordingLogger();
    const key = await loadAccountKey(new InProcessKeyManager([]), log);
    const client = new Client({ directoryUrl: `http://127.0.0.1:${port}/dir`, accountKey: Buffer.alloc(0) });
    useAccountKey(client, key, 'SPIRE-1.16.0');
    assert.equal(await client.getTermsOfServiceUrl(), 'https://ca.example/tos');
    assert.deepEqual(agents, ['SPIRE-1.16.0']);
  } finally {
    server.close();
  }
});
