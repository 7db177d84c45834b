import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metadata } from '@grpc/grpc-js';
import { attestPeerFromMetadata, attestPeerToMetadata, CLIENT_IP_METADATA_KEY } from './codec.js';

test('the agent IP travels as x-forwarded-client-ip, empty when unknown (as SPIRE)', () => {
  assert.equal(CLIENT_IP_METADATA_KEY, 'x-forwarded-client-ip');
  assert.deepEqual(attestPeerToMetadata({ clientIp: '10.0.0.7' }).get('x-forwarded-client-ip'), ['10.0.0.7']);
  assert.deepEqual(attestPeerToMetadata(undefined).get('x-forwarded-client-ip'), ['']);
  assert.deepEqual(attestPeerFromMetadata(attestPeerToMetadata({ clientIp: '2001:db8::1' })), { clientIp: '2001:db8::1' });
  assert.equal(attestPeerFromMetadata(attestPeerToMetadata({})), undefined);
  assert.equal(attestPeerFromMetadata(new Metadata()), undefined);
});
