import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const goFormat = fileURLToPath(new URL('./go-format.js', import.meta.url));

/** goTimeLocal(sec) in a fresh process whose TZ is `tz` (undefined: TZ unset). */
function localTime(tz: string | undefined, sec: number): string {
  const env = { ...process.env };
  delete env.TZ;
  if (tz !== undefined) env.TZ = tz;
  return execFileSync(process.execPath, ['--input-type=module', '-e', `import { goTimeLocal } from ${JSON.stringify(goFormat)}; process.stdout.write(goTimeLocal(${sec}));`], { env, encoding: 'utf8' });
}

const WINTER = Date.UTC(2026, 0, 15, 12, 0, 0) / 1000;
const SUMMER = Date.UTC(2026, 6, 15, 12, 0, 0) / 1000;

test('local times name the zone by its tzdata abbreviation, as Go prints time.Time (CET, CEST, IST, EST)', () => {
  assert.equal(localTime('Europe/Berlin', WINTER), '2026-01-15 13:00:00 +0100 CET');
  assert.equal(localTime('Europe/Berlin', SUMMER), '2026-07-15 14:00:00 +0200 CEST');
  assert.equal(localTime('Asia/Kolkata', WINTER), '2026-01-15 17:30:00 +0530 IST');
  assert.equal(localTime('America/New_York', WINTER), '2026-01-15 07:00:00 -0500 EST');
  assert.equal(localTime(':Europe/Berlin', WINTER), '2026-01-15 13:00:00 +0100 CET');
  assert.equal(localTime('/usr/share/zoneinfo/Asia/Kolkata', SUMMER), '2026-07-15 17:30:00 +0530 IST');
  // Zones whose tzdata abbreviation is numeric print it as tzdata has it.
  assert.equal(localTime('Asia/Dubai', WINTER), '2026-01-15 16:00:00 +0400 +04');
  // Far past the last transition, the footer rule names the zone.
  assert.equal(localTime('Europe/Berlin', Date.UTC(2090, 6, 1) / 1000), '2090-07-01 02:00:00 +0200 CEST');
});

test('TZ empty or naming no zone is UTC, as in Go', () => {
  assert.equal(localTime('', WINTER), '2026-01-15 12:00:00 +0000 UTC');
  assert.equal(localTime('UTC', WINTER), '2026-01-15 12:00:00 +0000 UTC');
  assert.equal(localTime('Nowhere/Land', WINTER), '2026-01-15 12:00:00 +0000 UTC');
});
