/** The narrow view of Blob storage the plugin uses, over @azure/storage-blob. */
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { AzureBlobConfig } from './config.js';
import { azureCredential } from '@spire-ts/plugin-azure';
import { AzureBlobErrors } from './errors.js';

/** Uploads a blob (a block blob, replacing any blob of that name). */
export interface BlobUploader {
  upload(container: string, blob: string, body: string): Promise<void>;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The SDK client of a configuration: Shared Key when `storage_account_key` is set, else the
 * application's client secret credential, else the default Azure credential. Each upload times
 * out after `timeoutMs`. Throws INTERNAL when the account key is not base64 or the credential
 * cannot be built.
 */
export function makeBlobUploader(c: AzureBlobConfig, timeoutMs: number): BlobUploader {
  let service: BlobServiceClient;
  if (c.storageAccountKey !== '') {
    if (!BASE64.test(c.storageAccountKey)) throw AzureBlobErrors.sharedKey();
    service = new BlobServiceClient(c.accountUrl, new StorageSharedKeyCredential(c.storageAccountName, c.storageAccountKey));
  } else {
    let credential: TokenCredential;
    try {
      credential = azureCredential(c.clientSecret ? { tenantId: c.clientSecret.tenantId, clientId: c.clientSecret.appId, clientSecret: c.clientSecret.appSecret } : { tenantId: '' });
    } catch (e) {
      throw c.clientSecret ? AzureBlobErrors.credential(e) : AzureBlobErrors.defaultCredential(e);
    }
    service = new BlobServiceClient(c.accountUrl, credential);
  }
  return {
    async upload(container, blob, body) {
      const data = Buffer.from(body, 'utf8');
      await service.getContainerClient(container).getBlockBlobClient(blob).uploadData(data, { abortSignal: AbortSignal.timeout(timeoutMs) });
    },
  };
}
