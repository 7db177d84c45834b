/**
 * Blob storage, path-style as local storage emulators serve it: the account is the first path
 * segment (`<emulator url>/<account>/<container>/<blob>`). Containers are created by the test
 * (or `PUT ?restype=container`); Put Blob of a block blob stores the body, Get/Head Blob read it
 * back. Requests are authorized by the account's Shared Key or by a bearer the Entra token
 * endpoint issued; errors are the service's XML with `x-ms-error-code`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';
import { sharedKeySignatureValid, sharedKeyStringToSign } from './blob-shared-key.js';

/** A stored blob. */
export interface StoredBlob {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

/** A storage account: its key (base64) and containers of blobs. */
export interface StorageAccount {
  name: string;
  key: string;
  containers: Map<string, Map<string, StoredBlob>>;
}

/**
 * The storage account name that, with {@link BlobService.serviceEndpoint}, makes SPIRE's account
 * URL `https://<storage_account_name>.<service_endpoint>` land on the emulator's 127.0.0.1.
 */
export const LOOPBACK_ACCOUNT = '127';

function storageError(status: number, code: string, message: string): EmulatorResponse {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
  return { status, headers: { 'content-type': 'application/xml', 'x-ms-error-code': code }, body };
}

export class BlobService {
  /** Accounts by name. */
  readonly accounts = new Map<string, StorageAccount>();
  /** Every successful Put Blob, as `<account>/<container>/<blob>`, in order. */
  readonly puts: string[] = [];

  constructor(readonly env: AzureEnv) {}

  /** Adds an account (a random key when none is given) with the named containers; returns it. */
  addAccount(name: string, containers: string[] = [], key = randomBytes(64).toString('base64')): StorageAccount {
    const account: StorageAccount = { name, key, containers: new Map(containers.map((c) => [c, new Map()])) };
    this.accounts.set(name, account);
    return account;
  }

  /**
   * The `service_endpoint` that points SPIRE's azure_blob at this emulator's account `account`,
   * used with `storage_account_name = "127"` ({@link LOOPBACK_ACCOUNT}): the account URL becomes
   * `https://127.0.0.1:<port>/<account>`.
   */
  serviceEndpoint(account: string): string {
    return `${new URL(this.env.url).host.slice(LOOPBACK_ACCOUNT.length + 1)}/${account}`;
  }

  /** The URL of an account (path-style). */
  accountUrl(account: string): string {
    return `${this.env.url}/${account}`;
  }

  /** A stored blob's text (test support); undefined when absent. */
  read(account: string, container: string, blob: string): string | undefined {
    return this.accounts.get(account)?.containers.get(container)?.get(blob)?.body.toString('utf8');
  }

  /** Checks the request's authorization; an error answer when it fails. */
  private authorize(r: EmulatorRequest, account: StorageAccount): EmulatorResponse | undefined {
    const auth = r.headers.authorization ?? '';
    const sk = /^SharedKey ([^:]+):(.+)$/.exec(auth);
    if (sk) {
      const valid =
        sk[1] === account.name && sharedKeySignatureValid(sharedKeyStringToSign(r.method, r.path, r.query, r.headers, sk[1]!), account.key, sk[2]!);
      if (valid) return undefined;
      return storageError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
    }
    if (auth.startsWith('Bearer ')) {
      try {
        this.env.checkBearer(auth);
        return undefined;
      } catch {
        return storageError(401, 'InvalidAuthenticationInfo', 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.');
      }
    }
    return storageError(401, 'NoAuthenticationInformation', 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.');
  }

  private resolve(r: EmulatorRequest): { account: StorageAccount } | { error: EmulatorResponse } {
    const account = this.accounts.get(r.params.account!);
    if (!account) return { error: storageError(404, 'ResourceNotFound', 'The specified resource does not exist.') };
    const denied = this.authorize(r, account);
    return denied ? { error: denied } : { account };
  }

  private createContainer(r: EmulatorRequest): EmulatorResponse {
    const found = this.resolve(r);
    if ('error' in found) return found.error;
    if (r.query.get('restype') !== 'container') return storageError(400, 'InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.');
    const name = r.params.container!;
    if (found.account.containers.has(name)) return storageError(409, 'ContainerAlreadyExists', 'The specified container already exists.');
    found.account.containers.set(name, new Map());
    return { status: 201, headers: { etag: `"0x${randomBytes(8).toString('hex')}"`, 'last-modified': this.env.now().toUTCString() } };
  }

  private blobHeaders(b: StoredBlob): Record<string, string> {
    return {
      etag: b.etag,
      'last-modified': b.lastModified.toUTCString(),
      'content-md5': createHash('md5').update(b.body).digest('base64'),
      'x-ms-version': '2025-01-05',
    };
  }

  private putBlob(r: EmulatorRequest): EmulatorResponse {
    const found = this.resolve(r);
    if ('error' in found) return found.error;
    const container = found.account.containers.get(r.params.container!);
    if (!container) return storageError(404, 'ContainerNotFound', 'The specified container does not exist.');
    if (r.query.has('comp')) return storageError(400, 'UnsupportedQueryParameter', `The emulator does not implement comp=${r.query.get('comp')!}.`);
    if (r.headers['x-ms-blob-type'] !== 'BlockBlob') return storageError(400, 'InvalidHeaderValue', 'The value for one of the HTTP headers is not in the correct format.');
    const b: StoredBlob = {
      body: r.body,
      contentType: String(r.headers['x-ms-blob-content-type'] ?? r.headers['content-type'] ?? 'application/octet-stream'),
      etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
      lastModified: this.env.now(),
    };
    container.set(r.params.blob!, b);
    this.puts.push(`${found.account.name}/${r.params.container!}/${r.params.blob!}`);
    return { status: 201, headers: { ...this.blobHeaders(b), 'x-ms-request-server-encrypted': 'true' } };
  }

  private getBlob(r: EmulatorRequest): EmulatorResponse {
    const found = this.resolve(r);
    if ('error' in found) return found.error;
    const container = found.account.containers.get(r.params.container!);
    if (!container) return storageError(404, 'ContainerNotFound', 'The specified container does not exist.');
    const b = container.get(r.params.blob!);
    if (!b) return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
    const headers = { ...this.blobHeaders(b), 'content-type': b.contentType, 'content-length': String(b.body.length), 'x-ms-blob-type': 'BlockBlob' };
    return { status: 200, headers, body: r.method === 'HEAD' ? '' : b.body };
  }

  routes(): Route[] {
    return [
      { method: 'PUT', path: '/{account}/{container}', name: 'blob.create-container', handler: (r) => this.createContainer(r) },
      { method: 'PUT', path: '/{account}/{container}/{blob*}', name: 'blob.put', handler: (r) => this.putBlob(r) },
      { method: 'GET', path: '/{account}/{container}/{blob*}', name: 'blob.get', handler: (r) => this.getBlob(r) },
      { method: 'HEAD', path: '/{account}/{container}/{blob*}', name: 'blob.head', handler: (r) => this.getBlob(r) },
    ];
  }
}
