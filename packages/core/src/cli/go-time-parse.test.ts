import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from './test-support/run-in-process.js';
import { goTimeParseError } from './go-time-parse.js';

const LAYOUT = '2006-01-02 15:04:05 -0700 -07';

test('-expiresBefore 2001-13-05 says "month out of range", as upstream\'s agent tests expect', async () => {
  for (const cmd of ['list', 'count']) {
    const r = await runInProcess(['agent', cmd, '-socketPath', '/does-not-exist.sock', '-expiresBefore', '2001-13-05']);
    assert.deepEqual(r, { code: 1, stdout: '', stderr: 'Error: date is not valid: parsing time "2001-13-05": month out of range\n' }, cmd);
  }
});

test('Go time.Parse errors for the -expiresBefore layout', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2026-01-05 10:00:00 +0100 +01', undefined],
    ['2026-01-05 1:00:00 +0100 +01', undefined],
    ['tomorrow', `parsing time "tomorrow" as "${LAYOUT}": cannot parse "tomorrow" as "2006"`],
    ['2001-02-30 00:00:00 +0000 +00', 'parsing time "2001-02-30 00:00:00 +0000 +00": day out of range'],
    ['2001-01-05', `parsing time "2001-01-05" as "${LAYOUT}": cannot parse "" as "15"`],
    ['2001-01-05 25:00:00 +0000 +00', 'parsing time "2001-01-05 25:00:00 +0000 +00": hour out of range'],
    ['2001-01-05 10:61:00 +0000 +00', 'parsing time "2001-01-05 10:61:00 +0000 +00": minute out of range'],
    ['2001-01-05 10:00:00 +0000 +00 x', 'parsing time "2001-01-05 10:00:00 +0000 +00 x": extra text: " x"'],
    ['2001-01-05 10:00:00 +0000 +0', `parsing time "2001-01-05 10:00:00 +0000 +0" as "${LAYOUT}": cannot parse "+0" as "-07"`],
    ['2001-01-05 10:00:00 x0000 +00', `parsing time "2001-01-05 10:00:00 x0000 +00" as "${LAYOUT}": cannot parse "x0000 +00" as "-0700"`],
    ['2001/01/05', `parsing time "2001/01/05" as "${LAYOUT}": cannot parse "/01/05" as "-"`],
    ['2001-1-05', `parsing time "2001-1-05" as "${LAYOUT}": cannot parse "1-05" as "01"`],
    ['2001-01-05 10:00:00 +2500 +00', 'parsing time "2001-01-05 10:00:00 +2500 +00": time zone offset hour out of range'],
    ['é', `parsing time "\\xc3\\xa9" as "${LAYOUT}": cannot parse "\\xc3\\xa9" as "2006"`],
  ];
  for (const [value, want] of cases) assert.equal(goTimeParseError(LAYOUT, value), want, value);
});
