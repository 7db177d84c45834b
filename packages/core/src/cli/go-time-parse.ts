/**
 * Go's time.Parse, enough of it to check a value against the numeric layouts SPIRE's CLI uses
 * (`2006-01-02 15:04:05 -0700 -07`) and to word a failure exactly as Go does.
 */

/** The layout elements this parser knows, longest first where one is a prefix of another. */
const ELEMENTS = ['2006', '-070000', '-07:00:00', '-0700', '-07:00', '-07', '01', '02', '15', '04', '05'] as const;
type Element = (typeof ELEMENTS)[number];

/** Go's time.quote: ASCII kept (with `"` and `\` escaped), every other byte as `\xNN`. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x80 || code < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Go's skip: match a literal, a space in it matching any run of spaces (or none at the end). */
function skip(value: string, prefix: string): { value: string; ok: boolean } {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return { value, ok: false };
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return { value, ok: false };
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return { value, ok: true };
}

/** Splits a layout into its literal prefix, the next element, and the rest. */
function nextChunk(layout: string): { prefix: string; elem?: Element; rest: string } {
  for (let i = 0; i < layout.length; i++) {
    const elem = ELEMENTS.find((e) => layout.startsWith(e, i));
    if (elem) return { prefix: layout.slice(0, i), elem, rest: layout.slice(i + elem.length) };
  }
  return { prefix: layout, rest: '' };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The message of the error Go's `time.Parse(layout, value)` returns, or undefined when Go would
 * accept the value. Only the numeric elements listed above are supported in `layout`.
 */
export function goTimeParseError(layout: string, value: string): string | undefined {
  const whole = value;
  const cannot = (elem: string, rest: string) =>
    `parsing time ${timeQuote(whole)} as ${timeQuote(layout)}: cannot parse ${timeQuote(rest)} as ${timeQuote(elem)}`;
  const outOfRange = (what: string) => `parsing time ${timeQuote(whole)}: ${what} out of range`;
  let rest = layout;
  let year = 0;
  let month = 1;
  let day = 1;
  for (;;) {
    const { prefix, elem, rest: after } = nextChunk(rest);
    const skipped = skip(value, prefix);
    value = skipped.value;
    if (!skipped.ok) return cannot(prefix, value);
    if (!elem) {
      if (value.length !== 0) return `parsing time ${timeQuote(whole)}: extra text: ${timeQuote(value)}`;
      break;
    }
    rest = after;
    const hold = value;
    let range = '';
    let bad = false;
    switch (elem) {
      case '2006':
        if (value.length < 4 || !isDigit(value, 0) || !/^\d{4}$/.test(value.slice(0, 4))) bad = true;
        else {
          year = Number(value.slice(0, 4));
          value = value.slice(4);
        }
        break;
      case '01':
      case '02':
      case '15':
      case '04':
      case '05': {
        const n = getnum(value, elem !== '15');
        if (!n) {
          bad = true;
          break;
        }
        value = n[1];
        if (elem === '01') {
          month = n[0];
          if (month <= 0 || month > 12) range = 'month';
        } else if (elem === '02') day = n[0];
        else if (elem === '15' && n[0] >= 24) range = 'hour';
        else if (elem === '04' && n[0] >= 60) range = 'minute';
        else if (elem === '05') {
          if (n[0] >= 60) range = 'second';
          // Go accepts a fractional second the layout does not mention.
          else if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
            let k = 2;
            while (isDigit(value, k)) k++;
            if (k - 1 > 9) bad = true;
            value = value.slice(k);
          }
        }
        break;
      }
      default: {
        // -0700 and friends: sign, then fixed two-digit hours, minutes and seconds.
        const colons = elem.includes(':');
        const parts = elem === '-07' ? 1 : elem === '-0700' || elem === '-07:00' ? 2 : 3;
        const need = 1 + parts * 2 + (colons ? parts - 1 : 0);
        if (value.length < need) {
          bad = true;
          break;
        }
        const text = value.slice(0, need);
        const digits = colons ? text.slice(1).split(':') : (text.slice(1).match(/.{2}/g) ?? []);
        if (colons && digits.length !== parts) {
          bad = true;
          break;
        }
        const nums = digits.map((d) => getnum(d, true)?.[0]);
        if (nums.some((d) => d === undefined) || (text[0] !== '+' && text[0] !== '-')) bad = true;
        else {
          const [h = 0, m = 0, s = 0] = nums as number[];
          if (h > 24) range = 'time zone offset hour';
          if (m > 60) range = 'time zone offset minute';
          if (s > 60) range = 'time zone offset second';
        }
        value = value.slice(need);
      }
    }
    if (range !== '') return outOfRange(range);
    if (bad) return cannot(elem, hold);
  }
  if (day < 1 || day > daysIn(month, year)) return `parsing time ${timeQuote(whole)}: day out of range`;
  return undefined;
}
