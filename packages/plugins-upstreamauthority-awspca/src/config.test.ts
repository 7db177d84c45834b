import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CA_SIGNING_TEMPLATE_ARN, parseAwsPcaConfig } from './config.js';

describe('aws_pca configuration', () => {
  it('requires the region and the CA ARN, and names unknown options and a bad endpoint', () => {
    assert.deepEqual(parseAwsPcaConfig({ endpoint: 'not a url', extra: true }).problems, [
      'plugin configuration is missing the region',
      'plugin configuration is missing the certificate_authority_arn',
      'endpoint "not a url" is not an absolute URL',
      'unknown option extra',
    ]);
  });

  it("defaults the template to SPIRE's PathLen0 subordinate and leaves the signing algorithm to the CA", () => {
    const r = parseAwsPcaConfig({ region: 'us-west-2', certificate_authority_arn: 'arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/x' });
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.caSigningTemplateArn, DEFAULT_CA_SIGNING_TEMPLATE_ARN);
    assert.equal(DEFAULT_CA_SIGNING_TEMPLATE_ARN, 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1');
    assert.equal(r.config?.signingAlgorithm, '');
  });
});
