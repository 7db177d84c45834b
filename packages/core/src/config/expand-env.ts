const SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isAlnum(c: string): boolean {
  return /^[A-Za-z0-9_]$/.test(c);
}

/** The name after a `$` and how many characters it spans (Go's os.Expand rules). */
function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.has(s[1]!) && s[2] === '}') return { name: s[1]!, width: 3 };
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') {
        if (i === 1) return { name: '', width: 2 }; // "${}" is eaten
        return { name: s.slice(1, i), width: i + 1 };
      }
    }
    return { name: '', width: 1 }; // an unclosed "${" is eaten
  }
  if (SPECIAL.has(s[0]!)) return { name: s[0]!, width: 1 };
  let i = 0;
  while (i < s.length && isAlnum(s[i]!)) i++;
  return { name: s.slice(0, i), width: i };
}

/**
 * Expands `$VAR` and `${VAR}` as SPIRE's -expandEnv does (Go's os.Expand): an unset variable
 * becomes empty, `$$` becomes `$`, a `$` followed by no name stays as is. Pure.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  let out = '';
  let last = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(last, j);
    const { name, width } = shellName(text.slice(j + 1));
    if (name === '' && width > 0) {
      // bad syntax such as "${}": dropped, as Go does
    } else if (name === '') {
      out += '$';
    } else if (name === '$') {
      out += '$';
    } else {
      out += env[name] ?? '';
    }
    j += width;
    last = j + 1;
  }
  return out + text.slice(last);
}
