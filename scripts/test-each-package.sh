#!/usr/bin/env bash
# Runs every workspace package's tests alone, one package after another: for each package with a
# `test` script (packages/*, test/, bench/), `pnpm --filter <package> test`. That script builds
# what the package's tests need (its own project references, or its tsconfig.test.json: the
# packages its tests load by name, which it declares as devDependencies) and runs its compiled
# tests, so each package's tests also pass this way from a fresh clone after `pnpm install`.
# Arguments go to every package's test run (e.g. --test-name-pattern=...). Exits non-zero if any
# package fails, after running them all; the last lines name each package with its outcome.
set -uo pipefail
cd "$(dirname "$0")/.."

dirs=(packages/*/ test/ bench/)
results=()
failed=0
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  [ -f "$dir/package.json" ] || continue
  name=$(node -p "require('./$dir/package.json').name")
  if [ "$(node -p "Boolean(require('./$dir/package.json').scripts?.test)")" != "true" ]; then
    continue
  fi
  echo "=== $name ($dir)"
  start=$SECONDS
  if bash scripts/pnpm.sh --filter "$name" test "$@"; then
    results+=("pass  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=1
  fi
done

echo
echo "=== each package's tests, alone"
printf '%s\n' "${results[@]}"
exit "$failed"
