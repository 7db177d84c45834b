import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '../../errors.js';
import {
  authoritiesState,
  checkActivate,
  checkRevokeJWT,
  checkRevokeX509,
  checkTaint,
  checkUpstreamSubjectKey,
  LocalAuthorityError,
  type SlotPairView,
  type SlotView,
} from './local-authority-checks.js';

const active: SlotView = { authorityId: 'cur', expiresAt: 10, upstreamAuthoritySubjectKeyId: 'u-cur', status: 'ACTIVE' };
const slot = (status: SlotView['status']): SlotView => ({ authorityId: 'nxt', expiresAt: 20, upstreamAuthoritySubjectKeyId: 'u-nxt', status });
const pair = (next: SlotView): SlotPairView => ({ current: active, next });

function is(e: LocalAuthorityError | undefined, code: Code, message: string, reason = message): void {
  assert.ok(e instanceof LocalAuthorityError, 'refused');
  assert.deepEqual({ code: e.code, message: e.message, reason: e.reason }, { code, message, reason });
}

describe('local authority checks', () => {
  it('state: UNAVAILABLE until active; prepared or old from the next slot', () => {
    assert.throws(() => authoritiesState({ current: slot('PREPARED'), next: slot('UNKNOWN') }), { code: Code.UNAVAILABLE, message: 'server is initializing' });
    assert.throws(() => authoritiesState({ current: { ...active, authorityId: '' }, next: slot('UNKNOWN') }), {
      code: Code.INTERNAL,
      message: 'current slot does not contain authority ID',
    });
    assert.deepEqual(authoritiesState(pair(slot('OLD'))), {
      active: { authorityId: 'cur', expiresAt: 10, upstreamAuthoritySubjectKeyId: 'u-cur' },
      old: { authorityId: 'nxt', expiresAt: 20, upstreamAuthoritySubjectKeyId: 'u-nxt' },
    });
  });

  it('activate: only the prepared authority of the next slot', () => {
    is(checkActivate(pair(slot('PREPARED')), ''), Code.INVALID_ARGUMENT, 'no authority ID provided');
    is(checkActivate(pair(slot('PREPARED')), 'cur'), Code.INVALID_ARGUMENT, 'unexpected authority ID');
    is(checkActivate(pair(slot('OLD')), 'nxt'), Code.INTERNAL, 'only Prepared authorities can be activated: unsupported local authority status: OLD', 'only Prepared authorities can be activated');
    assert.equal(checkActivate(pair(slot('PREPARED')), 'nxt'), undefined);
  });

  it('taint: only the old authority of the next slot', () => {
    is(checkTaint(pair(slot('OLD')), ''), Code.INVALID_ARGUMENT, 'no authority ID provided');
    is(checkTaint(pair(slot('OLD')), 'cur'), Code.INVALID_ARGUMENT, 'unable to taint current local authority');
    is(checkTaint(pair(slot('OLD')), 'other'), Code.INVALID_ARGUMENT, 'unexpected authority ID');
    is(checkTaint(pair(slot('PREPARED')), 'nxt'), Code.INVALID_ARGUMENT, 'only Old local authorities can be tainted: unsupported local authority status: PREPARED', 'only Old local authorities can be tainted');
    assert.equal(checkTaint(pair(slot('OLD')), 'nxt'), undefined);
  });

  it('revoke X.509: only the old authority', () => {
    is(checkRevokeX509(pair(slot('OLD')), ''), Code.INVALID_ARGUMENT, 'invalid authority ID: no authority ID provided', 'invalid authority ID');
    is(checkRevokeX509(pair(slot('OLD')), 'cur'), Code.INVALID_ARGUMENT, 'invalid authority ID: unable to use current authority', 'invalid authority ID');
    is(checkRevokeX509(pair(slot('PREPARED')), 'nxt'), Code.INVALID_ARGUMENT, 'invalid authority ID: only Old local authority can be revoked', 'invalid authority ID');
    assert.equal(checkRevokeX509(pair(slot('OLD')), 'nxt'), undefined);
  });

  it('revoke JWT: the old key or another key of the bundle', async () => {
    const inBundle = async (id: string) => id === 'kept';
    is(await checkRevokeJWT(pair(slot('PREPARED')), 'nxt', inBundle), Code.INVALID_ARGUMENT, 'invalid authority ID: unable to use a prepared key', 'invalid authority ID');
    is(await checkRevokeJWT(pair(slot('OLD')), 'cur', inBundle), Code.INVALID_ARGUMENT, 'invalid authority ID: unable to use current authority', 'invalid authority ID');
    is(await checkRevokeJWT(pair(slot('OLD')), 'gone', inBundle), Code.INVALID_ARGUMENT, 'invalid authority ID: no JWT authority found with provided authority ID', 'invalid authority ID');
    assert.equal(await checkRevokeJWT(pair(slot('OLD')), 'nxt', inBundle), undefined);
    assert.equal(await checkRevokeJWT(pair(slot('OLD')), 'kept', inBundle), undefined);
  });

  it('upstream subject key: only the one that signed the old authority', () => {
    const v = pair(slot('OLD'));
    is(checkUpstreamSubjectKey(v, '', 'taint'), Code.INVALID_ARGUMENT, 'provided subject key id is not valid: no subject key ID provided', 'provided subject key id is not valid');
    is(checkUpstreamSubjectKey(v, 'u-cur', 'revoke'), Code.INVALID_ARGUMENT, 'invalid subject key ID: unable to use upstream authority singing current authority', 'invalid subject key ID');
    is(checkUpstreamSubjectKey(v, 'u-x', 'taint'), Code.INVALID_ARGUMENT, "provided subject key id is not valid: upstream authority didn't sign the old local authority", 'provided subject key id is not valid');
    is(
      checkUpstreamSubjectKey(pair(slot('PREPARED')), 'u-nxt', 'taint'),
      Code.INVALID_ARGUMENT,
      'provided subject key id is not valid: only upstream authorities signing an old authority can be used',
      'provided subject key id is not valid',
    );
    assert.equal(checkUpstreamSubjectKey(v, 'u-nxt', 'revoke'), undefined);
  });
});
