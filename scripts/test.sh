#!/usr/bin/env bash
# The whole test suite: toolchain, install, build, every vitest project (Node,
# real Chromium, real SQLite/PostgreSQL, real server), then one summary line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$COFFER_ROOT"

report_dir="$COFFER_ROOT/.tmp/test-report"
rm -rf "$report_dir" && mkdir -p "$report_dir"

# Chromium backs the browser suites; install it where this machine lets us.
bash scripts/ensure-chromium.sh

pnpm turbo run build --output-logs=errors-only
# Suites spawn the binaries just built; they must not rebuild them in parallel.
export COFFER_TEST_PREBUILT=1
pnpm biome check .
pnpm turbo run typecheck --output-logs=errors-only

status=0
pnpm vitest run --reporter=default --reporter=json --outputFile.json="$report_dir/vitest.json" "$@" || status=$?
node scripts/summarize-tests.ts "$report_dir" || status=1
exit $status
