import { KeyManagementServiceClient, protos } from '@google-cloud/kms';
import { clientEndpointOptions, withTimeout } from '@spire-ts/plugin-gcp';

type V = typeof protos.google.cloud.kms.v1;

/** What gcp_kms reads of a crypto key. */
export interface CryptoKeyView {
  name: string;
  labels: Record<string, string>;
  /** The version template's algorithm name. */
  algorithm: string;
}

/** What gcp_kms reads of a crypto key version. */
export interface VersionView {
  name: string;
  state: string;
  algorithm: string;
}

/** An IAM policy (SPIRE's key_policy_file holds one, as JSON). */
export interface IamPolicy {
  version?: number;
  etag?: string | Uint8Array;
  bindings?: { role?: string | null; members?: string[] | null; condition?: unknown }[] | null;
}

/** The Cloud KMS calls gcp_kms makes, behind a narrow interface (kms-api.fake is not needed: tests use the emulator). */
export interface KmsApi {
  createCryptoKey(keyRing: string, cryptoKeyId: string, labels: Record<string, string>, algorithm: string): Promise<CryptoKeyView>;
  updateLabels(name: string, labels: Record<string, string>): Promise<void>;
  updateAlgorithm(name: string, algorithm: string): Promise<void>;
  createVersion(cryptoKey: string): Promise<VersionView>;
  listCryptoKeys(keyRing: string, filter: string): Promise<CryptoKeyView[]>;
  listVersions(cryptoKey: string, filter: string): Promise<VersionView[]>;
  getVersion(name: string): Promise<VersionView>;
  getPublicKey(name: string): Promise<{ pem: string; pemCrc32c: number }>;
  asymmetricSign(name: string, digestField: 'sha256' | 'sha384', digest: Uint8Array): Promise<{ signature: Uint8Array; signatureCrc32c: number }>;
  destroyVersion(name: string): Promise<VersionView>;
  getIamPolicy(resource: string): Promise<IamPolicy>;
  setIamPolicy(resource: string, policy: IamPolicy): Promise<void>;
  /** The email of the service account the client authenticates as. */
  serviceAccountEmail(): Promise<string>;
  close(): Promise<void>;
}

function enumName(e: Record<string, unknown>, v: unknown): string {
  if (typeof v === 'number') return String(e[v] ?? v);
  return String(v ?? '');
}

function keyView(v1: V, k: protos.google.cloud.kms.v1.ICryptoKey): CryptoKeyView {
  return {
    name: k.name ?? '',
    labels: { ...(k.labels ?? {}) },
    algorithm: enumName(v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm as unknown as Record<string, unknown>, k.versionTemplate?.algorithm),
  };
}

function versionView(v1: V, v: protos.google.cloud.kms.v1.ICryptoKeyVersion): VersionView {
  return {
    name: v.name ?? '',
    state: enumName(v1.CryptoKeyVersion.CryptoKeyVersionState as unknown as Record<string, unknown>, v.state),
    algorithm: enumName(v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm as unknown as Record<string, unknown>, v.algorithm),
  };
}

/**
 * The Cloud KMS API through @google-cloud/kms: Application Default Credentials, or the service
 * account key file when given, as SPIRE; REST to the test-only `SPIRE_TEST_GCP_ENDPOINT` when it is
 * set. Every call is bounded by `timeoutMs` (a `TimeoutError` then).
 */
export function sdkKmsApi(o: { serviceAccountFile: string; timeoutMs: number }): KmsApi {
  const client = new KeyManagementServiceClient({ ...clientEndpointOptions(), ...(o.serviceAccountFile ? { keyFilename: o.serviceAccountFile } : {}) });
  const v1 = protos.google.cloud.kms.v1;
  const t = <T>(what: string, fn: () => Promise<T>) => withTimeout(o.timeoutMs, `Cloud KMS (${what})`, () => fn());
  return {
    createCryptoKey: (keyRing, cryptoKeyId, labels, algorithm) =>
      t('createCryptoKey', async () => {
        const [k] = await client.createCryptoKey({
          parent: keyRing,
          cryptoKeyId,
          cryptoKey: { labels, purpose: 'ASYMMETRIC_SIGN', versionTemplate: { algorithm: algorithm as 'EC_SIGN_P256_SHA256' } },
        });
        return keyView(v1, k);
      }),
    updateLabels: (name, labels) => t('updateCryptoKey', async () => void (await client.updateCryptoKey({ cryptoKey: { name, labels }, updateMask: { paths: ['labels'] } }))),
    updateAlgorithm: (name, algorithm) =>
      t('updateCryptoKey', async () => void (await client.updateCryptoKey({ cryptoKey: { name, versionTemplate: { algorithm: algorithm as 'EC_SIGN_P256_SHA256' } }, updateMask: { paths: ['version_template.algorithm'] } }))),
    createVersion: (cryptoKey) => t('createCryptoKeyVersion', async () => versionView(v1, (await client.createCryptoKeyVersion({ parent: cryptoKey, cryptoKeyVersion: { state: 'ENABLED' } }))[0])),
    listCryptoKeys: (keyRing, filter) => t('listCryptoKeys', async () => (await client.listCryptoKeys({ parent: keyRing, filter }))[0].map((k) => keyView(v1, k))),
    listVersions: (cryptoKey, filter) => t('listCryptoKeyVersions', async () => (await client.listCryptoKeyVersions({ parent: cryptoKey, filter }))[0].map((v) => versionView(v1, v))),
    getVersion: (name) => t('getCryptoKeyVersion', async () => versionView(v1, (await client.getCryptoKeyVersion({ name }))[0])),
    getPublicKey: (name) =>
      t('getPublicKey', async () => {
        const [pk] = await client.getPublicKey({ name });
        return { pem: pk.pem ?? '', pemCrc32c: Number(pk.pemCrc32c?.value ?? -1) };
      }),
    asymmetricSign: (name, digestField, digest) =>
      t('asymmetricSign', async () => {
        const [r] = await client.asymmetricSign({ name, digest: { [digestField]: digest } });
        return { signature: new Uint8Array(r.signature as Uint8Array), signatureCrc32c: Number(r.signatureCrc32c?.value ?? -1) };
      }),
    destroyVersion: (name) => t('destroyCryptoKeyVersion', async () => versionView(v1, (await client.destroyCryptoKeyVersion({ name }))[0])),
    getIamPolicy: (resource) => t('getIamPolicy', async () => (await client.getIamPolicy({ resource } as never))[0] as IamPolicy),
    setIamPolicy: (resource, policy) => t('setIamPolicy', async () => void (await client.setIamPolicy({ resource, policy } as never))),
    serviceAccountEmail: () => t('credentials', async () => (await client.auth.getCredentials()).client_email ?? ''),
    close: () => client.close(),
  };
}
