import type { DistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import { oid, printable, seq, set, utf8 } from '../../der.js';
import { OID } from './oids.js';

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function attr(type: string, value: string): Uint8Array {
  // Go's encoding/asn1 marshals a string as PrintableString when it can, else UTF8String.
  return set(seq(oid(type), PRINTABLE.test(value) ? printable(value) : utf8(value)));
}

/**
 * DER Name of a distinguished name, one attribute per RDN, in the order Go's pkix.Name uses
 * (C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER, then extra names).
 */
export function encodeName(dn: DistinguishedName): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const v of dn.country) rdns.push(attr(OID.country, v));
  for (const v of dn.province) rdns.push(attr(OID.province, v));
  for (const v of dn.locality) rdns.push(attr(OID.locality, v));
  for (const v of dn.streetAddress) rdns.push(attr(OID.streetAddress, v));
  for (const v of dn.postalCode) rdns.push(attr(OID.postalCode, v));
  for (const v of dn.organization) rdns.push(attr(OID.organization, v));
  for (const v of dn.organizationalUnit) rdns.push(attr(OID.organizationalUnit, v));
  if (dn.commonName) rdns.push(attr(OID.commonName, dn.commonName));
  if (dn.serialNumber) rdns.push(attr(OID.serialNumber, dn.serialNumber));
  for (const e of dn.extraNames) rdns.push(attr(e.oid, e.stringValue));
  return seq(...rdns);
}

/** True when the name has no attribute at all. */
export function isEmptyName(dn: DistinguishedName): boolean {
  return (
    dn.country.length + dn.province.length + dn.locality.length + dn.streetAddress.length + dn.postalCode.length +
      dn.organization.length + dn.organizationalUnit.length + dn.extraNames.length === 0 &&
    !dn.commonName &&
    !dn.serialNumber
  );
}

/** A deep copy of a distinguished name. */
export function cloneName(dn: DistinguishedName): DistinguishedName {
  return {
    country: [...dn.country],
    organization: [...dn.organization],
    organizationalUnit: [...dn.organizationalUnit],
    locality: [...dn.locality],
    province: [...dn.province],
    streetAddress: [...dn.streetAddress],
    postalCode: [...dn.postalCode],
    serialNumber: dn.serialNumber,
    commonName: dn.commonName,
    extraNames: dn.extraNames.map((e) => ({ ...e })),
  };
}
