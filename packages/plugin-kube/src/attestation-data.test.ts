import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '@spire-ts/core/plugin';
import { decodeAttestationData, readAttestationData } from './attestation-data.js';

const bytes = (s: string) => Buffer.from(s);

/** assert.throws' matcher for a SpireError with exactly this code and message. */
const refused = (code: Code, message: string) => ({ name: 'SpireError', code, message });

test('decodes as Go: keys without regard to case, null leaves a field empty', () => {
  assert.deepEqual(decodeAttestationData(bytes('{"CLUSTER":"c1","Token":"t"}'), 'PSATAttestationData'), { cluster: 'c1', token: 't' });
  assert.deepEqual(decodeAttestationData(bytes('null'), 'PSATAttestationData'), { cluster: '', token: '' });
  assert.deepEqual(decodeAttestationData(bytes('{"cluster":null,"token":"t"}'), 'SATAttestationData'), { cluster: '', token: 't' });
  assert.throws(() => decodeAttestationData(bytes('[]'), 'SATAttestationData'), { message: 'json: cannot unmarshal array into Go value of type k8s.SATAttestationData' });
  assert.throws(() => decodeAttestationData(bytes('{"token":1}'), 'PSATAttestationData'), {
    message: 'json: cannot unmarshal number into Go struct field PSATAttestationData.token of type string',
  });
});

test("each attestor's wording for data that does not decode; the shared checks", () => {
  assert.throws(() => readAttestationData('k8s_psat', bytes('"x"')), refused(Code.INVALID_ARGUMENT, 'failed to unmarshal data payload: json: cannot unmarshal string into Go value of type k8s.PSATAttestationData'));
  assert.throws(() => readAttestationData('k8s_sat', bytes('"x"')), refused(Code.INVALID_ARGUMENT, 'failed to unmarshal attestation data: json: cannot unmarshal string into Go value of type k8s.SATAttestationData'));
  assert.throws(() => readAttestationData('k8s_sat', new Uint8Array()), refused(Code.INVALID_ARGUMENT, 'missing attestation payload'));
  assert.throws(() => readAttestationData('k8s_psat', bytes('{"token":"t"}')), refused(Code.INVALID_ARGUMENT, 'missing cluster in attestation data'));
  assert.throws(() => readAttestationData('k8s_psat', bytes('{"cluster":"c"}')), refused(Code.INVALID_ARGUMENT, 'missing token in attestation data'));
  assert.deepEqual(readAttestationData('k8s_sat', bytes('{"cluster":"c","token":"t"}')), { cluster: 'c', token: 't' });
});
