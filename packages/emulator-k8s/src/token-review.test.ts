import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { AuthenticationV1Api } from '@kubernetes/client-node';
import { decodeJwt, jwtVerify } from 'jose';
import { useEmulator } from './client.test-support.js';

const e = useEmulator();

const projected = (o: { audiences?: string[]; expiresInSec?: number; issuedAtSec?: number; node?: boolean } = {}): string =>
  e.k.mintProjectedToken({
    namespace: 'spire',
    serviceAccount: 'agent',
    podName: 'agent-0',
    podUid: 'pod-uid-0',
    audiences: o.audiences ?? ['spire-server'],
    expiresInSec: o.expiresInSec,
    issuedAtSec: o.issuedAtSec,
    ...(o.node ? { nodeName: 'node-a', nodeUid: 'node-uid-a' } : {}),
  });

const review = (token: string, audiences?: string[]) =>
  e.kc.makeApiClient(AuthenticationV1Api).createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } } });

test('a projected token has the claims of a kubelet-requested token and verifies with issuerPublicKeyPem', async () => {
  const token = projected({ node: true });
  const { payload, protectedHeader } = await jwtVerify(token, createPublicKey(e.k.issuerPublicKeyPem), { algorithms: ['ES256'] });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(payload.sub, 'system:serviceaccount:spire:agent');
  assert.deepEqual(payload.aud, ['spire-server']);
  assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
  assert.equal(payload.nbf, payload.iat);
  const k8s = payload['kubernetes.io'] as { namespace: string; pod: object; serviceaccount: { name: string; uid: string }; node: object };
  assert.equal(k8s.namespace, 'spire');
  assert.deepEqual(k8s.pod, { name: 'agent-0', uid: 'pod-uid-0' });
  assert.equal(k8s.serviceaccount.name, 'agent');
  assert.deepEqual(k8s.node, { name: 'node-a', uid: 'node-uid-a' });
});

test('TokenReview authenticates a valid projected token with user, extra and the audience intersection', async () => {
  const before = e.k.tokenReviews;
  const r = await review(projected({ audiences: ['spire-server', 'other'], node: true }), ['spire-server', 'third']);
  assert.equal(r.status?.authenticated, true);
  assert.equal(r.status?.error, undefined);
  assert.deepEqual(r.status?.audiences, ['spire-server']);
  assert.equal(r.status?.user?.username, 'system:serviceaccount:spire:agent');
  assert.deepEqual(r.status?.user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:spire', 'system:authenticated']);
  assert.deepEqual(r.status?.user?.extra, {
    'authentication.kubernetes.io/pod-name': ['agent-0'],
    'authentication.kubernetes.io/pod-uid': ['pod-uid-0'],
    'authentication.kubernetes.io/node-name': ['node-a'],
    'authentication.kubernetes.io/node-uid': ['node-uid-a'],
  });
  assert.equal(e.k.tokenReviews, before + 1);
});

test('TokenReview uses the stored ServiceAccount uid when there is one', async () => {
  e.k.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'stored', namespace: 'spire', uid: 'sa-uid-1' } });
  const token = e.k.mintProjectedToken({ namespace: 'spire', serviceAccount: 'stored', podName: 'p', podUid: 'u', audiences: ['spire-server'] });
  const r = await review(token, ['spire-server']);
  assert.equal(r.status?.user?.uid, 'sa-uid-1');
});

test('TokenReview refuses a token for another audience, naming both lists as the API server does', async () => {
  const r = await review(projected({ audiences: ['someone-else', 'x'] }), ['spire-server', 'y']);
  assert.equal(r.status?.authenticated, false);
  assert.equal(r.status?.error, '[invalid bearer token, token audiences ["someone-else" "x"] is invalid for the target audiences ["spire-server" "y"]]');
});

test('TokenReview without audiences checks the API audiences', async () => {
  assert.equal((await review(projected({ audiences: ['spire-server'] }))).status?.authenticated, false);
  const ok = await review(projected({ audiences: ['https://kubernetes.default.svc'] }));
  assert.equal(ok.status?.authenticated, true);
  assert.deepEqual(ok.status?.audiences, ['https://kubernetes.default.svc']);
});

test('TokenReview refuses an expired token', async () => {
  const r = await review(projected({ issuedAtSec: Math.floor(Date.now() / 1000) - 7200, expiresInSec: 600 }), ['spire-server']);
  assert.equal(r.status?.authenticated, false);
  assert.equal(r.status?.error, '[invalid bearer token, service account token has expired]');
});

test('TokenReview tolerates a minute of clock skew on exp, as the API server does', async () => {
  const now = Math.floor(Date.now() / 1000);
  const justExpired = await review(projected({ issuedAtSec: now - 630, expiresInSec: 600 }), ['spire-server']);
  assert.equal(justExpired.status?.authenticated, true);
  const pastLeeway = await review(projected({ issuedAtSec: now - 670, expiresInSec: 600 }), ['spire-server']);
  assert.equal(pastLeeway.status?.error, '[invalid bearer token, service account token has expired]');
});

test('TokenReview refuses a token issued in the future', async () => {
  const r = await review(projected({ issuedAtSec: Math.floor(Date.now() / 1000) + 600 }), ['spire-server']);
  assert.equal(r.status?.authenticated, false);
  assert.equal(r.status?.error, '[invalid bearer token, service account token is not valid yet]');
});

test('TokenReview refuses a token whose signature was forged', async () => {
  const [h, p] = projected().split('.');
  const claims = decodeJwt(projected());
  const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
  const sig = projected().split('.')[2];
  assert.notEqual(forgedPayload, p);
  const r = await review(`${h}.${forgedPayload}.${sig}`, ['spire-server']);
  assert.equal(r.status?.authenticated, false);
  assert.equal(r.status?.error, '[invalid bearer token, square/go-jose: error in cryptographic primitive]');
});

test('a legacy token validates without audiences and not for a foreign audience', async () => {
  const token = e.k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'agent' });
  const claims = decodeJwt(token);
  assert.equal(claims.iss, 'kubernetes/serviceaccount');
  assert.equal(claims.exp, undefined);
  assert.equal(claims['kubernetes.io/serviceaccount/secret.name'], 'agent-token');
  const ok = await review(token);
  assert.equal(ok.status?.authenticated, true);
  assert.equal(ok.status?.user?.username, 'system:serviceaccount:spire:agent');
  assert.equal(ok.status?.user?.extra, undefined);
  assert.equal((await review(token, ['spire-server'])).status?.authenticated, false);
});

test('with checkBoundObjects, a token of a deleted or replaced pod no longer authenticates', async () => {
  e.k.checkBoundObjects = true;
  try {
    e.k.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bound', namespace: 'spire', uid: 'sa-bound' } });
    e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bp', namespace: 'spire', uid: 'pod-1' } });
    const token = e.k.mintProjectedToken({ namespace: 'spire', serviceAccount: 'bound', podName: 'bp', podUid: 'pod-1', audiences: ['spire-server'] });
    assert.equal((await review(token, ['spire-server'])).status?.authenticated, true);
    e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bp', namespace: 'spire', uid: 'pod-2' } });
    assert.equal((await review(token, ['spire-server'])).status?.error, '[invalid bearer token, pod UID (pod-2) does not match claim (pod-1)]');
    e.k.delete('v1', 'Pod', 'spire', 'bp');
    assert.equal((await review(token, ['spire-server'])).status?.error, '[invalid bearer token, service account token has been invalidated]');
  } finally {
    e.k.checkBoundObjects = false;
  }
});
