import type { JWTKey, X509Certificate } from '@spire-ts/core/plugin';

/** The upstream bundle as the plugin holds it. */
export interface CachedBundle {
  x509Authorities: X509Certificate[];
  jwtAuthorities: JWTKey[];
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Ordered equality of root lists (certificate bytes and tainted flag), as SPIRE compares them. */
export function sameRoots(a: readonly X509Certificate[], b: readonly X509Certificate[]): boolean {
  return a.length === b.length && a.every((r, i) => sameBytes(r.asn1, b[i]!.asn1) && r.tainted === b[i]!.tainted);
}

/** Ordered equality of JWT key lists (every field), as SPIRE compares them. */
export function sameJwtKeys(a: readonly JWTKey[], b: readonly JWTKey[]): boolean {
  return a.length === b.length && a.every((k, i) => {
    const o = b[i]!;
    return sameBytes(k.publicKey, o.publicKey) && k.keyId === o.keyId && k.expiresAt === o.expiresAt && k.tainted === o.tainted;
  });
}

/**
 * The cached upstream bundle with SPIRE's guard: a local mutation (after a mint or a publish)
 * bumps the version; a poll result replaces the bundle only when no mutation happened since the
 * poll began. Every change wakes those waiting on {@link changed}.
 */
export class BundleCache {
  private bundle: CachedBundle = { x509Authorities: [], jwtAuthorities: [] };
  private ver = 0;
  private wake!: () => void;
  private signal!: Promise<void>;

  constructor() {
    this.renew();
  }

  private renew(): void {
    const prev = this.wake;
    this.signal = new Promise<void>((res) => (this.wake = res));
    prev?.();
  }

  /** The version a poll records before it starts. */
  get version(): number {
    return this.ver;
  }

  /** The current bundle. */
  get(): CachedBundle {
    return this.bundle;
  }

  /** A promise settled at the next change (take it before reading the bundle). */
  changed(): Promise<void> {
    return this.signal;
  }

  /** A local mutation: the roots a mint answered. */
  setX509Authorities(roots: X509Certificate[]): void {
    this.bundle = { ...this.bundle, x509Authorities: roots };
    this.ver++;
    this.renew();
  }

  /** A local mutation: the keys a publish (or the first local-bundle send) answered. */
  setJwtAuthorities(keys: JWTKey[]): void {
    this.bundle = { ...this.bundle, jwtAuthorities: keys };
    this.ver++;
    this.renew();
  }

  /** A poll result, kept only when the version is still `expected`; true when kept. */
  setIfVersion(bundle: CachedBundle, expected: number): boolean {
    if (this.ver !== expected) return false;
    this.bundle = bundle;
    this.renew();
    return true;
  }
}
