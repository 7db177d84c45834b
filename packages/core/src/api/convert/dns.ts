/** Checks a DNS name for an SVID as SPIRE does. Throws Error with SPIRE's messages. */
export function validateDnsName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(name)) throw new Error('name must be ascii');
  const stars = name.split('*').length - 1;
  let rest = name;
  if (stars > 1) throw new Error('too many wildcards');
  if (stars === 1) {
    if (!name.startsWith('*.')) throw new Error('wildcard must be first label');
    rest = name.slice(2);
  }
  rest = rest.trim();
  if (rest === '') throw new Error('empty or only whitespace');
  if (rest.endsWith('.')) throw new Error('domain ends with dot');
  if (rest.startsWith('*.')) throw new Error('wildcard not allowed');
  if (rest.length > 253) throw new Error('idna error: domain name is too long');
  for (const label of rest.split('.')) {
    if (label.length === 0 || label.length > 63) throw new Error(`idna error: invalid label length in "${rest}"`);
    if (!/^[A-Za-z0-9-]+$/.test(label)) throw new Error(`idna error: disallowed rune in "${rest}"`);
    if (label.startsWith('-') || label.endsWith('-')) throw new Error(`idna error: label "${label}" starts or ends with a hyphen`);
  }
}
