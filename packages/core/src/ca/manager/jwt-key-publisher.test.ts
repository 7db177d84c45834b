import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Code, spireError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import type { JWTKey } from '../../plugins/types.js';
import type { UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import { JWTKeyPublisher } from './jwt-key-publisher.js';

type StoredKey = Bundle['jwtSigningKeys'][number];

/** A bundle's JWT keys in memory, appended to as the CA manager's append would. */
function memoryBundle() {
  const keys: StoredKey[] = [];
  return {
    keys,
    append: async (more: StoredKey[]): Promise<Bundle> => {
      for (const k of more) if (!keys.some((x) => x.kid === k.kid)) keys.push(k);
      return { trustDomainId: 'spiffe://example.org', rootCas: [], jwtSigningKeys: [...keys], refreshHint: 0, sequenceNumber: keys.length };
    },
  };
}

function warnings(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push((JSON.parse(l) as { msg: string }).msg);
      cb();
    },
  });
  return { log: pino({ level: 'warn' }, sink) as unknown as Logger, lines };
}

function upstream(publish: (k: JWTKey) => AsyncIterable<{ upstreamJwtKeys: JWTKey[] }>): UpstreamAuthority {
  return {
    mintX509CAAndSubscribe: () => {
      throw new Error('not used');
    },
    publishJWTKeyAndSubscribe: publish,
    close: async () => {},
  };
}

const key = (kid: string): JWTKey => ({ publicKey: new Uint8Array([1, 2, kid.length]), keyId: kid, expiresAt: 2_000_000_000, tainted: false });

test('an UpstreamAuthority answering UNIMPLEMENTED: the key goes into the bundle, and the warning is logged once', async () => {
  const b = memoryBundle();
  const w = warnings();
  const ua = upstream(() => {
    throw spireError(Code.UNIMPLEMENTED, 'publishing JWT keys is not supported');
  });
  const p = new JWTKeyPublisher({ upstreamAuthority: ua, log: w.log, appendJWTKeys: b.append });
  assert.deepEqual((await p.publish(key('k1'))).map((k) => k.keyId), ['k1']);
  assert.deepEqual((await p.publish(key('k2'))).map((k) => k.keyId), ['k1', 'k2']);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(w.lines, [
    'UpstreamAuthority plugin does not support JWT-SVIDs. Workloads managed by this server may have trouble communicating with workloads outside this cluster when using JWT-SVIDs.',
  ]);
});

test('an UpstreamAuthority failing otherwise: the error is returned and nothing is stored', async () => {
  const b = memoryBundle();
  const ua = upstream(() => {
    throw spireError(Code.UNAVAILABLE, 'upstream is down');
  });
  const p = new JWTKeyPublisher({ upstreamAuthority: ua, log: warnings().log, appendJWTKeys: b.append });
  await assert.rejects(p.publish(key('k1')), { code: Code.UNAVAILABLE, message: 'upstream is down' });
  assert.deepEqual(b.keys, []);
});

test('an UpstreamAuthority that supports PublishJWTKey: what it answers is stored and returned', async () => {
  const b = memoryBundle();
  const ua = upstream(async function* (k) {
    yield { upstreamJwtKeys: [key('up'), k] };
  });
  const p = new JWTKeyPublisher({ upstreamAuthority: ua, log: warnings().log, appendJWTKeys: b.append });
  assert.deepEqual((await p.publish(key('mine'))).map((k) => k.keyId), ['up', 'mine']);
  assert.deepEqual(b.keys.map((k) => k.kid), ['up', 'mine']);
});
