/**
 * The part of Cloud KMS's list filter syntax SPIRE's gcp_kms uses: comparisons
 * (`=`, `!=`, `<`, `<=`, `>`, `>=`) of a field (`state`, `labels.<key>`, …) with a value, joined
 * by `AND`. Values that are both numbers compare as numbers; a missing label matches nothing.
 */

/** What a filter reads of a resource: plain fields and its labels. */
export type FilterSubject = Record<string, string | Record<string, string>> & { labels?: Record<string, string> };

const TERM = /^\s*([a-zA-Z_][\w.-]*)\s*(!=|<=|>=|=|<|>)\s*"?([^"]*?)"?\s*$/;

function compare(actual: string, op: string, expected: string): boolean {
  const numeric = actual.trim() !== '' && expected.trim() !== '' && !Number.isNaN(Number(actual)) && !Number.isNaN(Number(expected));
  const a: string | number = numeric ? Number(actual) : actual;
  const b: string | number = numeric ? Number(expected) : expected;
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** True when `subject` passes `filter` ('' passes everything). Throws on a term it cannot read. */
export function matchesFilter(filter: string, subject: FilterSubject): boolean {
  if (filter.trim() === '') return true;
  return filter.split(/\s+AND\s+/).every((term) => {
    const m = TERM.exec(term);
    if (!m) throw new Error(`unsupported filter term ${JSON.stringify(term)}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    let actual: string | undefined;
    if (field.startsWith('labels.')) actual = subject.labels?.[field.slice('labels.'.length)];
    else {
      const v = subject[field];
      actual = typeof v === 'string' ? v : undefined;
    }
    return actual !== undefined && compare(actual, op, value);
  });
}
