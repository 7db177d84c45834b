import { InstancesClient } from '@google-cloud/compute';
import { clientEndpointOptions } from '@spire-ts/plugin-gcp';

/** What gcp_iit reads of a Compute Engine instance. */
export interface InstanceView {
  tags: string[];
  labels: Record<string, string>;
  /** Metadata items; a null value is an item without a value. */
  metadata: { key: string; value: string | null }[];
}

/** The one Compute call gcp_iit makes (instances.get), behind a narrow interface. */
export interface ComputeApi {
  /**
   * The instance; throws what the client threw when Google refuses or cannot be reached. The
   * caller bounds the call in time (the client cannot be cancelled mid-request).
   */
  getInstance(project: string, zone: string, name: string, signal: AbortSignal): Promise<InstanceView>;
  close(): Promise<void>;
}

/**
 * instances.get through @google-cloud/compute (REST): Application Default Credentials, or the
 * service account key file when given, as SPIRE. `close` is safe to call twice. The test-only `SPIRE_TEST_GCP_ENDPOINT` moves
 * the endpoint (see @spire-ts/plugin-gcp).
 */
export function sdkComputeApi(serviceAccountFile: string): ComputeApi {
  // Made now, at configuration: building the client loads Compute's API description (a second
  // or more), which must not count against an attestation's deadline.
  const client = new InstancesClient({ ...clientEndpointOptions(), ...(serviceAccountFile ? { keyFilename: serviceAccountFile } : {}) });
  return {
    async getInstance(project, zone, name, signal) {
      signal.throwIfAborted();
      const [i] = await client.get({ project, zone, instance: name });
      return {
        tags: i.tags?.items ?? [],
        labels: { ...(i.labels ?? {}) },
        metadata: (i.metadata?.items ?? []).map((m) => ({ key: m.key ?? '', value: m.value ?? null })),
      };
    },
    async close() {
      await client.close();
    },
  };
}
