#!/usr/bin/env bash
# Installs what is missing and builds every package. Safe to run repeatedly: pnpm and tsc -b
# both skip work that is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = "true" ]; then
  bash scripts/pnpm.sh install --frozen-lockfile --reporter=append-only
else
  bash scripts/pnpm.sh install --prefer-offline --reporter=append-only
fi
# Core's message types are generated from its .proto files (not committed); see
# packages/core/scripts/gen-proto-types.mjs.
node packages/core/scripts/gen-proto-types.mjs
bash scripts/pnpm.sh exec tsc -b
# The console's browser app (packages/console-ui, Preact bundled by esbuild into its dist/), which
# `spire-server run` serves when server.conf has a console block (docs/console.md).
bash scripts/pnpm.sh --filter @spire-ts/console-ui run build
