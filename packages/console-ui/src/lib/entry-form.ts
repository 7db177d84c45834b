/** The entry form ⇄ the API's Entry. */
import type { Entry, EntryMask } from '../api-types';
import { formatSeconds, localInputToUnix, parseTtl, unixToLocalInput } from './duration';
import { idProto, idString, lines } from './ids';
import { parseSelectors, selectorsText } from './filters';

/** The entry form's fields, as text. */
export interface EntryForm {
  id: string;
  spiffeId: string;
  parentId: string;
  selectors: string;
  x509SvidTtl: string;
  jwtSvidTtl: string;
  federatesWith: string;
  dnsNames: string;
  hint: string;
  admin: boolean;
  downstream: boolean;
  storeSvid: boolean;
  /** `<input type="datetime-local">` value; '' for no expiry. */
  expiresAt: string;
}

/** The fields the form edits; sent as BatchUpdateEntry's input_mask. */
export const ENTRY_FORM_MASK: EntryMask = {
  spiffe_id: true, parent_id: true, selectors: true, x509_svid_ttl: true, jwt_svid_ttl: true, federates_with: true,
  dns_names: true, hint: true, admin: true, downstream: true, store_svid: true, expires_at: true,
};

/** An empty form for a new entry. */
export function emptyEntryForm(): EntryForm {
  return { id: '', spiffeId: '', parentId: '', selectors: '', x509SvidTtl: '', jwtSvidTtl: '', federatesWith: '', dnsNames: '', hint: '', admin: false, downstream: false, storeSvid: false, expiresAt: '' };
}

/** The form showing an existing entry (TTLs in seconds; 0 shows as empty, the server default). */
export function formFromEntry(e: Entry): EntryForm {
  return {
    id: e.id,
    spiffeId: idString(e.spiffe_id),
    parentId: idString(e.parent_id),
    selectors: selectorsText(e.selectors),
    x509SvidTtl: e.x509_svid_ttl ? String(e.x509_svid_ttl) : '',
    jwtSvidTtl: e.jwt_svid_ttl ? String(e.jwt_svid_ttl) : '',
    federatesWith: e.federates_with.join('\n'),
    dnsNames: e.dns_names.join('\n'),
    hint: e.hint,
    admin: e.admin,
    downstream: e.downstream,
    storeSvid: e.store_svid,
    expiresAt: unixToLocalInput(Number(e.expires_at)),
  };
}

/**
 * The Entry to send for a form. Only splits and converts: every rule on the values is the
 * server's, so its message is the one shown. Throws Error for text that cannot be converted.
 */
export function entryFromForm(f: EntryForm): Partial<Entry> {
  const e: Partial<Entry> = {
    spiffe_id: idProto(f.spiffeId),
    parent_id: idProto(f.parentId, 'Parent ID'),
    selectors: parseSelectors(f.selectors),
    x509_svid_ttl: parseTtl(f.x509SvidTtl, 'X.509-SVID TTL'),
    jwt_svid_ttl: parseTtl(f.jwtSvidTtl, 'JWT-SVID TTL'),
    federates_with: lines(f.federatesWith, true),
    dns_names: lines(f.dnsNames, true),
    hint: f.hint,
    admin: f.admin,
    downstream: f.downstream,
    store_svid: f.storeSvid,
    expires_at: localInputToUnix(f.expiresAt, 'Expires at'),
  };
  if (f.id.trim() !== '') e.id = f.id.trim();
  return e;
}

/** A TTL in seconds for display ("default" for 0). */
export function ttlText(sec: number): string {
  return sec ? `${sec}s (${formatSeconds(sec)})` : 'default';
}
