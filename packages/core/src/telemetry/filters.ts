/** The `AllowedPrefixes`/`BlockedPrefixes`/`AllowedLabels`/`BlockedLabels` rules of `telemetry { }`. */
export interface FilterOptions {
  allowedPrefixes: readonly string[];
  blockedPrefixes: readonly string[];
  allowedLabels: readonly string[];
  blockedLabels: readonly string[];
}

/**
 * Decides which metrics and labels are emitted, as go-metrics does for SPIRE: the longest
 * configured prefix of the dot-joined key (service prefix included, e.g. `spire_server.rpc`)
 * decides; a key no prefix matches is allowed. A label is kept when it is in AllowedLabels (if
 * that list is not empty), else when it is not in BlockedLabels. Immutable; safe to share.
 */
export class MetricFilter {
  private readonly prefixes: readonly [string, boolean][];
  private readonly allowedLabels?: ReadonlySet<string>;
  private readonly blockedLabels: ReadonlySet<string>;

  constructor(opts: FilterOptions) {
    const byPrefix = new Map<string, boolean>();
    for (const p of opts.allowedPrefixes) byPrefix.set(p, true);
    // A prefix both allowed and blocked ends up blocked, as the later insert wins upstream.
    for (const p of opts.blockedPrefixes) byPrefix.set(p, false);
    this.prefixes = [...byPrefix].sort((a, b) => b[0].length - a[0].length);
    if (opts.allowedLabels.length > 0) this.allowedLabels = new Set(opts.allowedLabels);
    this.blockedLabels = new Set(opts.blockedLabels);
  }

  /** Whether a metric whose dot-joined key (with its service prefix) is `dotted` is emitted. */
  allowsMetric(dotted: string): boolean {
    for (const [prefix, allowed] of this.prefixes) if (dotted.startsWith(prefix)) return allowed;
    return true;
  }

  /** Whether a label of this name is kept. */
  allowsLabel(name: string): boolean {
    return this.allowedLabels ? this.allowedLabels.has(name) : !this.blockedLabels.has(name);
  }
}
