import * as grpc from '@grpc/grpc-js';
import { clientConstructor, Services } from '../api/proto.js';
import { errorMessage } from '../errors.js';
import type { HealthCheck } from './health-checker.js';

/** Upstream's check names. */
export const SERVER_CA_CHECK = 'server.ca';
export const SERVER_CHECK = 'server';
export const SERVER_CA_ROTATOR_CHECK = 'server.ca.rotator';

/** SPIRE's threshold: more failed rotations than this make the server neither live nor ready. */
export const FAILED_ROTATION_THRESHOLD = 10;

/**
 * The public half of a fixed P-256 key the CA check signs for, so that the check makes no key
 * (and no private-key operation happens on the main thread).
 */
const HEALTH_CHECK_SPKI = Buffer.from(
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE70USUtqR6YKzdsn5h9UJszD9L1JejfYfaXUugfGFD1IuDaB8mOj3EhxFOlBLtsjjrKx+w/032DPCwfKM16xAOA==',
  'base64',
);

/**
 * SPIRE's `server.ca` check: the CA signs a throw-away X509-SVID for
 * `spiffe://<td>/for/health/check/only`. Live and ready while it can; the details carry the
 * error as `sign_x509_svid_err`.
 */
export function serverCaCheck(trustDomain: string, sign: (req: { spiffeId: string; publicKey: Uint8Array }) => Promise<unknown>): HealthCheck {
  const spiffeId = `spiffe://${trustDomain}/for/health/check/only`;
  return async () => {
    try {
      await sign({ spiffeId, publicKey: HEALTH_CHECK_SPKI });
      return { live: true, ready: true };
    } catch (err) {
      return { live: false, ready: false, details: { sign_x509_svid_err: errorMessage(err) } };
    }
  };
}

/**
 * SPIRE's `server.ca.rotator` check: live and ready until more than FAILED_ROTATION_THRESHOLD
 * rotations have failed since start. As upstream the count is never reset, so a server past the
 * threshold stays unhealthy until it is restarted; the details then carry `rotation_err`.
 */
export function caRotatorCheck(failedRotations: () => number): HealthCheck {
  return async () => {
    if (failedRotations() <= FAILED_ROTATION_THRESHOLD) return { live: true, ready: true };
    return { live: false, ready: false, details: { rotation_err: 'rotations exceed the threshold number of failures' } };
  };
}

/**
 * SPIRE's `server` check: a Bundle.GetBundle over the server's own admin socket. Live and ready
 * while it answers; the details carry the error as `get_bundle_err`.
 */
export function serverApiCheck(socketPath: string): HealthCheck {
  const Bundle = clientConstructor(Services.bundle);
  return async () => {
    const client = new Bundle(`unix://${socketPath}`, grpc.credentials.createInsecure());
    try {
      await new Promise<void>((resolve, reject) =>
        (client as unknown as { GetBundle(req: object, opts: object, cb: (e: Error | null) => void): void }).GetBundle({}, { deadline: Date.now() + 5_000 }, (e) => (e ? reject(e) : resolve())),
      );
      return { live: true, ready: true };
    } catch (err) {
      return { live: false, ready: false, details: { get_bundle_err: errorMessage(err) } };
    } finally {
      client.close();
    }
  };
}
