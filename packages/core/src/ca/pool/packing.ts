import type { X509Failure, X509Outcome } from './signing-tasks.js';

/**
 * Results cross back from a worker as one buffer (transferred, not copied) rather than as an
 * array of small Uint8Arrays that structured clone would copy one by one. Layout: u32 count, then
 * one i32 length per item (-1 marks an error), the item bytes, then the failures (message and kind) as UTF-8 JSON.
 */
export function pack(items: Array<Uint8Array | X509Failure>): Uint8Array {
  const errors: X509Failure[] = [];
  let total = 0;
  for (const i of items) if (i instanceof Uint8Array) total += i.length;
  else errors.push(i);
  const errBytes = errors.length > 0 ? new TextEncoder().encode(JSON.stringify(errors)) : new Uint8Array();
  const head = 4 + 4 * items.length;
  const buf = new Uint8Array(head + total + errBytes.length);
  const view = new DataView(buf.buffer);
  view.setUint32(0, items.length);
  let off = head;
  items.forEach((i, n) => {
    if (i instanceof Uint8Array) {
      view.setInt32(4 + 4 * n, i.length);
      buf.set(i, off);
      off += i.length;
    } else view.setInt32(4 + 4 * n, -1);
  });
  buf.set(errBytes, off);
  return buf;
}

/** Unpacks to byte arrays (views into the one buffer) and errors. Throws on a malformed buffer. */
export function unpack(buf: Uint8Array): Array<Uint8Array | X509Failure> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = view.getUint32(0);
  let off = 4 + 4 * count;
  const out: Array<Uint8Array | X509Failure | undefined> = [];
  const errAt: number[] = [];
  for (let n = 0; n < count; n++) {
    const l = view.getInt32(4 + 4 * n);
    if (l < 0) {
      errAt.push(n);
      out.push(undefined);
    } else {
      out.push(buf.subarray(off, off + l));
      off += l;
    }
  }
  if (errAt.length > 0) {
    const errors = JSON.parse(new TextDecoder().decode(buf.subarray(off))) as X509Failure[];
    errAt.forEach((n, i) => (out[n] = errors[i]!));
  }
  return out as Array<Uint8Array | X509Failure>;
}

/** X.509 outcomes from unpacked items. */
export function toX509Outcomes(items: Array<Uint8Array | X509Failure>): X509Outcome[] {
  return items.map((i) => (i instanceof Uint8Array ? { der: i } : i));
}
