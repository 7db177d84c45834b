/** True when `s` is an absolute URL, as an `endpoint` option must be (`http://host:port`, …). */
export function isAbsoluteUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}
