import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { CURRENT_CA } from './certs.js';
import { makeBundle, rejectsWith, uniqueTd, type SuiteContext } from './context.js';

/** Federation relationships with their bundles. */
export function federationTests(ctx: SuiteContext): void {
  describe('federation relationships', () => {
    it('creates with a bundle, fetches, updates with a mask and deletes', async () => {
      const td = uniqueTd();
      const before = await ctx.ds.countFederationRelationships();
      const created = await ctx.ds.createFederationRelationship({
        trustDomain: td,
        bundleEndpointUrl: `https://${td}:8443/bundle`,
        bundleEndpointProfile: 'https_spiffe',
        endpointSpiffeId: `spiffe://${td}/spire/server`,
        trustDomainBundle: makeBundle(td, { rootCas: [{ derBytes: CURRENT_CA.der, taintedKey: false }] }),
      });
      assert.equal(created.trustDomain, td);
      assert.equal(await ctx.ds.countFederationRelationships(), before + 1);
      await rejectsWith(
        ctx.ds.createFederationRelationship({ trustDomain: td, bundleEndpointUrl: 'https://x/', bundleEndpointProfile: 'https_web' }),
        Code.ALREADY_EXISTS,
      );
      const got = await ctx.ds.fetchFederationRelationship(td);
      assert.equal(got?.bundleEndpointProfile, 'https_spiffe');
      assert.equal(got?.endpointSpiffeId, `spiffe://${td}/spire/server`);
      assert.equal(got?.trustDomainBundle?.rootCas.length, 1);
      assert.ok(await ctx.ds.fetchBundle(`spiffe://${td}`), 'the bundle is stored as the trust domain bundle');

      const upd = await ctx.ds.updateFederationRelationship(
        { trustDomain: td, bundleEndpointUrl: 'https://new.example/bundle', bundleEndpointProfile: 'https_web' },
        { bundleEndpointUrl: true },
      );
      assert.equal(upd.bundleEndpointUrl, 'https://new.example/bundle');
      assert.equal(upd.bundleEndpointProfile, 'https_spiffe', 'unmasked profile kept');
      const web = await ctx.ds.updateFederationRelationship(
        { trustDomain: td, bundleEndpointUrl: '', bundleEndpointProfile: 'https_web' },
        { bundleEndpointProfile: true },
      );
      assert.equal(web.bundleEndpointProfile, 'https_web');

      await ctx.ds.deleteFederationRelationship(td);
      assert.equal(await ctx.ds.fetchFederationRelationship(td), undefined);
      await rejectsWith(ctx.ds.deleteFederationRelationship(td), Code.NOT_FOUND);
      await rejectsWith(
        ctx.ds.updateFederationRelationship({ trustDomain: td, bundleEndpointUrl: 'https://x/', bundleEndpointProfile: 'https_web' }, { bundleEndpointUrl: true }),
        Code.NOT_FOUND,
      );
    });

    it('checks trust domain, URL and profile', async () => {
      await rejectsWith(
        ctx.ds.createFederationRelationship({ trustDomain: 'Not A Domain!', bundleEndpointUrl: 'https://x/', bundleEndpointProfile: 'https_web' }),
        Code.INVALID_ARGUMENT,
        /trust_domain/,
      );
      await rejectsWith(
        ctx.ds.createFederationRelationship({ trustDomain: uniqueTd(), bundleEndpointUrl: 'not a url', bundleEndpointProfile: 'https_web' }),
        Code.INVALID_ARGUMENT,
        /bundle_endpoint_url/,
      );
      // SPIRE's own words for what it checks itself.
      await rejectsWith(
        ctx.ds.createFederationRelationship({ trustDomain: uniqueTd(), bundleEndpointUrl: 'https://x/', bundleEndpointProfile: 'https_spiffe' }),
        Code.INVALID_ARGUMENT,
        /^bundle endpoint SPIFFE ID is required$/,
      );
      await rejectsWith(
        ctx.ds.createFederationRelationship({ trustDomain: '', bundleEndpointUrl: 'https://x/', bundleEndpointProfile: 'https_web' }),
        Code.INVALID_ARGUMENT,
        /^trust domain is required$/,
      );
      await rejectsWith(
        ctx.ds.createFederationRelationship({ trustDomain: uniqueTd(), bundleEndpointUrl: '', bundleEndpointProfile: 'https_web' }),
        Code.INVALID_ARGUMENT,
        /^bundle endpoint URL is required$/,
      );
      await rejectsWith(ctx.ds.createFederationRelationship(null as never), Code.INVALID_ARGUMENT, /^federation relationship is nil$/);
    });
  });
}
