import { createHash } from 'node:crypto';

/**
 * The SHA-256 (hex) of the tokens of SPIRE's default policy.rego (pkg/server/authpolicy/policy.rego
 * in the Rego v1 syntax that SPIRE 1.12.0 and later embed and require), as `regoTokens` splits
 * and `regoTokensHash` joins them. Computed once from SPIRE's file; its text is not kept here.
 */
export const DEFAULT_REGO_TOKENS_SHA256 = '0b378388cfa1762973385f0918140681e204bc6040de18f14eec4d263479b5d5';

/**
 * The same for the Rego v0 form of the default policy that SPIRE 1.1 to 1.11 shipped. SPIRE
 * 1.12 and later refuse v0 syntax, and so does this server; the hash only lets the refusal say
 * what to do.
 */
export const DEFAULT_REGO_V0_TOKENS_SHA256 = 'bcb119437a13e978ee11e8d220ea2082f1e63ca4f2b14ffa94fbd299b733e4b7';

/**
 * Splits Rego source into tokens, dropping whitespace (line breaks included) and `#` comments:
 * string literals ("..." with escapes, `...` raw) are one token each, runs of letters, digits,
 * `_` and `.` are one token, and any other character is a token by itself. Two files with the
 * same tokens differ only in layout and comments. Pure; never throws (an unterminated string
 * runs to the end).
 */
export function regoTokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      out.push(text.slice(i, j + 1));
      i = j + 1;
    } else if (/[A-Za-z0-9_.]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_.]/.test(text[j]!)) j++;
      out.push(text.slice(i, j));
      i = j;
    } else {
      out.push(c);
      i++;
    }
  }
  return out;
}

/** The hash `DEFAULT_REGO_TOKENS_SHA256` is compared with. */
export function regoTokensHash(text: string): string {
  return createHash('sha256').update(regoTokens(text).join('\u0000')).digest('hex');
}

/**
 * Whether `text` is SPIRE's default policy.rego: the same tokens, whatever the layout, line
 * endings and comments. Any change to a rule, however small, makes it another policy.
 */
export function isDefaultPolicyRego(text: string): boolean {
  return regoTokensHash(text) === DEFAULT_REGO_TOKENS_SHA256;
}

/** Whether `text` is the Rego v0 form of the default policy (see DEFAULT_REGO_V0_TOKENS_SHA256). */
export function isDefaultPolicyRegoV0(text: string): boolean {
  return regoTokensHash(text) === DEFAULT_REGO_V0_TOKENS_SHA256;
}
