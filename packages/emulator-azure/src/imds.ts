/**
 * The Instance Metadata Service's attested document as an Azure VM's agent reads it
 * (`GET /metadata/attested/document?nonce=…` with `Metadata: true`): PKCS#7 SignedData over the
 * JSON `{nonce, vmId, subscriptionId, …}`, signed by a test "Azure" certificate chaining through
 * an intermediate (served where the signer's AIA points) to a test root. The VM the agent runs on
 * is {@link ImdsService.currentVm}; {@link ImdsService.attestedDocument} signs for any VM.
 */
import { HttpError, type Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';
import { makeAttackerIdentity, makeImdsPki, signPkcs7, type ImdsPki } from './imds-signer.js';

/** Path of the intermediate certificate (AIA caIssuers), as on www.microsoft.com. */
export const IMDS_INTERMEDIATE_PATH = '/pkiops/certs/Test%20Azure%20TLS%20Issuing%20CA%2001.crt';

/** The VM fields an attested document states. */
export interface AttestedVm {
  vmId: string;
  subscriptionId: string;
  sku?: string;
}

/** The attested document as IMDS answers it. */
export interface AttestedDocument {
  encoding: string;
  signature: string;
}

/** What the azure_imds agent sends in answer to the server's nonce: the document and untrusted metadata. */
export function imdsPayload(document: AttestedDocument, metadata: { agentDomain: string; vmssName?: string }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ document, metadata: { agentDomain: metadata.agentDomain, vmssName: metadata.vmssName ?? null } }));
}

export class ImdsService {
  /** The VM an agent calling the IMDS route runs on. */
  currentVm?: AttestedVm;
  private pki?: Promise<ImdsPki>;

  constructor(readonly env: AzureEnv) {}

  /** The test chain (made on first use; its AIA names this emulator's intermediate route). */
  chain(): Promise<ImdsPki> {
    this.pki ??= makeImdsPki(`${this.env.url}${IMDS_INTERMEDIATE_PATH}`);
    return this.pki;
  }

  /** The JSON IMDS signs for `vm` and `nonce`. */
  content(vm: AttestedVm, nonce: string): string {
    const now = this.env.now();
    const later = new Date(now.getTime() + 6 * 3600_000);
    const fmt = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)} -0000`;
    return JSON.stringify({
      licenseType: '',
      nonce,
      plan: { name: '', product: '', publisher: '' },
      timeStamp: { createdOn: fmt(now), expiresOn: fmt(later) },
      vmId: vm.vmId,
      sku: vm.sku ?? '22_04-lts-gen2',
      subscriptionId: vm.subscriptionId,
    });
  }

  /** The attested document of `vm` for `nonce`, signed by the test "Azure" signer. */
  async attestedDocument(vm: AttestedVm, nonce: string): Promise<AttestedDocument> {
    const pki = await this.chain();
    return { encoding: 'pkcs7', signature: signPkcs7(Buffer.from(this.content(vm, nonce)), pki.signer, [pki.signer]) };
  }

  /**
   * A forgery: the genuine signing certificate in the bag (first), but the signature made by an
   * attacker's own key and certificate (also in the bag) over a document of the attacker's choice.
   */
  async forgedDocument(vm: AttestedVm, nonce: string): Promise<AttestedDocument> {
    const pki = await this.chain();
    const attacker = await makeAttackerIdentity(['metadata.azure.com'], pki.intermediateUrl);
    return { encoding: 'pkcs7', signature: signPkcs7(Buffer.from(this.content(vm, nonce)), attacker, [pki.signer, attacker]) };
  }

  routes(): Route[] {
    return [
      {
        method: 'GET',
        path: '/metadata/attested/document',
        name: 'imds.attested-document',
        handler: async (r) => {
          if (r.headers.metadata !== 'true') throw new HttpError(400, { error: 'Bad request. Required metadata header not specified' });
          if (!this.currentVm) throw new HttpError(404, { error: 'no current VM' });
          return { json: await this.attestedDocument(this.currentVm, r.query.get('nonce') ?? '') };
        },
      },
      {
        method: 'GET',
        path: '/pkiops/certs/{name}',
        name: 'imds.intermediate',
        handler: async (r) => {
          if (`/pkiops/certs/${encodeURIComponent(r.params.name!)}` !== IMDS_INTERMEDIATE_PATH && `/pkiops/certs/${r.params.name}` !== IMDS_INTERMEDIATE_PATH) {
            throw new HttpError(404, { error: 'not found' });
          }
          const pki = await this.chain();
          return { headers: { 'content-type': 'application/pkix-cert' }, body: Buffer.from(pki.intermediate.cert.rawData) };
        },
      },
    ];
  }
}
