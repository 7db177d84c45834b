/**
 * The Compute Engine metadata server's credential routes, as google-auth-library's Application
 * Default Credentials reach them when `GCE_METADATA_HOST` names this emulator: the presence check,
 * the project ID, and access tokens for the instance's service account. (The identity-token route
 * that gcp_iit agents use is the IIT service's.)
 */
import { randomBytes } from 'node:crypto';
import { HttpError, type EmulatorRequest, type Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

const FLAVOR = { 'metadata-flavor': 'Google' };

/** Refuses a request without `Metadata-Flavor: Google`, as the metadata server does. */
export function requireFlavor(r: EmulatorRequest): void {
  if (r.headers['metadata-flavor'] !== 'Google') throw new HttpError(403, { error: 'Missing Metadata-Flavor:Google header.' });
}

export class MetadataService {
  /** The project the metadata server reports. */
  projectId = 'test-project';
  /** The instance's default service account. */
  serviceAccountEmail = 'spire-server@test-project.iam.gserviceaccount.com';
  /** Access tokens handed out, in order. */
  readonly issued: string[] = [];

  constructor(private readonly env: GcpEnv) {}

  routes(): Route[] {
    const text = (body: string) => ({ headers: { ...FLAVOR, 'content-type': 'application/text' }, body });
    return [
      {
        method: 'GET',
        path: '/computeMetadata/v1/instance',
        name: 'metadata.instance',
        handler: (r) => (requireFlavor(r), { headers: FLAVOR, json: {} }),
      },
      { method: 'GET', path: '/', name: 'metadata.ping', handler: () => text('computeMetadata/\n') },
      { method: 'GET', path: '/computeMetadata/v1/project/project-id', name: 'metadata.project-id', handler: (r) => (requireFlavor(r), text(this.projectId)) },
      {
        method: 'GET',
        path: '/computeMetadata/v1/instance/service-accounts/{account}/email',
        name: 'metadata.email',
        handler: (r) => (requireFlavor(r), text(this.serviceAccountEmail)),
      },
      {
        method: 'GET',
        path: '/computeMetadata/v1/instance/service-accounts/{account}/token',
        name: 'metadata.token',
        handler: (r) => {
          requireFlavor(r);
          const token = `ya29.${randomBytes(24).toString('base64url')}`;
          this.env.tokens.add(token);
          this.issued.push(token);
          return { headers: FLAVOR, json: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
        },
      },
    ];
  }
}
