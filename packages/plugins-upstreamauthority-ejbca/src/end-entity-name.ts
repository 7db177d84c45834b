import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** What the end entity name may be taken from. */
export interface CsrNames {
  commonName: string;
  dnsNames: string[];
  uris: string[];
  ips: string[];
}

/** The subject common name and SANs of a DER PKCS#10 request. Throws Error when it does not parse. */
export function csrNames(der: Uint8Array): CsrNames {
  const csr = new x509.Pkcs10CertificateRequest(der);
  const commonName = csr.subjectName.getField('CN')[0] ?? '';
  const raw = csr.getExtension('2.5.29.17');
  const names = raw ? new x509.SubjectAlternativeNameExtension(raw.rawData).names.items : [];
  const of = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  return { commonName, dnsNames: of('dns'), uris: of('url'), ips: of('ip') };
}

const SOURCES = ['cn', 'dns', 'uri', 'ip'] as const;

/**
 * SPIRE's choice of the EJBCA end entity name. `cn`, `dns`, `uri` or `ip` take the CSR's common
 * name, first DNS SAN, first URI SAN or first IP SAN; any other non-empty setting is the name
 * itself; unset tries them in that order. Throws Error when the chosen source is empty.
 */
export function endEntityName(setting: string, n: CsrNames): string {
  const take = { cn: n.commonName, dns: n.dnsNames[0] ?? '', uri: n.uris[0] ?? '', ip: n.ips[0] ?? '' };
  for (const s of SOURCES) {
    if ((setting === s || setting === '') && take[s] !== '') return take[s];
  }
  if (setting !== '' && !(SOURCES as readonly string[]).includes(setting)) return setting;
  throw new Error('no valid end entity name could be determined from the CertificateRequest');
}
