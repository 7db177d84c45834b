import type { TrustAnchorUpdater, UpdatedTrustAnchor } from './trust-anchor-updater.js';

/**
 * In-memory trust anchors for unit tests: `anchors` maps an ID to its PEM, `updates` counts the
 * calls and `failNext` makes the next update throw that error. Unknown IDs fail as AWS's
 * ResourceNotFoundException.
 */
export class FakeTrustAnchors implements TrustAnchorUpdater {
  readonly anchors = new Map<string, string>();
  updates = 0;
  failNext: Error | undefined;

  async update(trustAnchorId: string, pem: string): Promise<UpdatedTrustAnchor> {
    this.updates++;
    const err = this.failNext;
    if (err) {
      this.failNext = undefined;
      throw err;
    }
    if (!this.anchors.has(trustAnchorId)) throw Object.assign(new Error('Resource not found'), { name: 'ResourceNotFoundException' });
    this.anchors.set(trustAnchorId, pem);
    return { arn: `arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/${trustAnchorId}`, name: 'fake' };
  }

  close(): void {}
}
