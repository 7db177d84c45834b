import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { tokenReviewer } from '@spire-ts/plugin-kube';
import { k8sSatNodeAttestor } from './index.js';
import { agentStoreHost, core, legacyClaims, makeAttestor, payloadOf, recordingLogger, saKey, signToken, tempFile, td } from './test-support.js';

describe('k8s_sat against the Kubernetes API emulator', () => {
  let k: KubeEmulator;
  before(async () => {
    k = await KubeEmulator.start();
  });
  afterEach(() => k.setUnavailable(false));
  after(async () => {
    // Attestation only reviews tokens: nothing is written to the cluster.
    assert.deepEqual(k.requests.filter((r) => r.method !== 'POST' || r.path !== '/apis/authentication.k8s.io/v1/tokenreviews').map((r) => `${r.method} ${r.path}`), []);
    await k.close();
  });

  const reviewData = () => ({ clusters: { c1: { service_account_allow_list: ['spire:spire-agent'], use_token_review_api_validation: true, kube_config_file: k.kubeconfigPath } } });

  it('TokenReview mode, built through its descriptor: attests a legacy token, asking for no audience', async () => {
    const r = k8sSatNodeAttestor.parseConfig(reviewData(), core);
    const a = await k8sSatNodeAttestor.create({ config: r.config!, log: recordingLogger().log, trustDomain: td, dataDir: core.dataDir, host: agentStoreHost() });
    const reviews = k.tokenReviews;
    const attrs = await a.attest(payloadOf('c1', k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'spire-agent' })), async () => new Uint8Array());
    assert.match(attrs.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/k8s_sat\/c1\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(attrs.selectorValues, ['cluster:c1', 'agent_ns:spire', 'agent_sa:spire-agent']);
    assert.equal(attrs.canReattest, false);
    assert.equal(k.tokenReviews, reviews + 1);
  });

  it('TokenReview mode: refuses a service account outside the allow list', async () => {
    const a = makeAttestor(reviewData(), { reviewers: new Map([['c1', tokenReviewer(k.kubeconfigPath)]]) });
    await assert.rejects(
      a.attest(payloadOf('c1', k.mintLegacyToken({ namespace: 'default', serviceAccount: 'web' }))),
      isSpireError(Code.PERMISSION_DENIED, '"default:web" is not an allowed service account'),
    );
  });

  it('TokenReview mode: refuses a token the API server does not accept', async () => {
    const a = makeAttestor(reviewData(), { reviewers: new Map([['c1', tokenReviewer(k.kubeconfigPath)]]) });
    const token = k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'spire-agent' });
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await assert.rejects(
      a.attest(payloadOf('c1', forged)),
      isSpireError(Code.INTERNAL, 'unable to validate token with TokenReview API: token review API response contains an error: [invalid bearer token, square/go-jose: error in cryptographic primitive]'),
    );
  });

  it('TokenReview mode: UNAVAILABLE when the API server answers 503', async () => {
    const a = makeAttestor(reviewData(), { reviewers: new Map([['c1', tokenReviewer(k.kubeconfigPath)]]) });
    k.setUnavailable(true);
    await assert.rejects(
      a.attest(payloadOf('c1', k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'spire-agent' }))),
      isSpireError(Code.UNAVAILABLE, 'unable to validate token with TokenReview API: unable to query token review API: the server is currently unable to handle the request'),
    );
  });

  it('key-file mode verifies the emulator\'s legacy tokens with its issuer key, without calling the API server', async () => {
    const keyFile = tempFile('sa.pub', k.issuerPublicKeyPem);
    const a = makeAttestor({ clusters: { c1: { service_account_allow_list: ['spire:spire-agent'], service_account_key_file: keyFile } } });
    const reviews = k.tokenReviews;
    const attrs = await a.attest(payloadOf('c1', k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'spire-agent' })));
    assert.deepEqual(attrs.selectorValues, ['cluster:c1', 'agent_ns:spire', 'agent_sa:spire-agent']);
    assert.equal(k.tokenReviews, reviews);
    // A token signed by someone else is refused here, locally.
    const rogue = signToken(legacyClaims('spire', 'spire-agent'), saKey('ec').privateKey);
    await assert.rejects(a.attest(payloadOf('c1', rogue)), isSpireError(Code.INVALID_ARGUMENT, 'unable to verify token: go-jose/go-jose: error in cryptographic primitive'));
  });
});
