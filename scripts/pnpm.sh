#!/usr/bin/env bash
# Runs the pinned pnpm through npm: pnpm is not preinstalled and corepack cannot be used here.
set -euo pipefail
PNPM_VERSION=10.34.8
# node-gyp builds native addons (better-sqlite3) against the local Node headers when they exist,
# so an install never has to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
  export npm_config_nodedir=/usr
fi
exec npx --yes "pnpm@${PNPM_VERSION}" "$@"
