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

# The suites get a private, empty TMPDIR; whatever they leave in it is listed
# afterwards and fails the run (tests remove what they make with
# tooling/test-temp.ts). Node's compile cache, which pnpm turns on, is the one
# expected resident. COFFER_KEEP_TEMP=1 keeps it all for a look instead.
test_tmp_root="$(mktemp -d)"
keep_temp="${COFFER_KEEP_TEMP:-}"
[ "$keep_temp" = "1" ] || trap 'rm -rf "$test_tmp_root"' EXIT
# Traversable by others: the throwaway PostgreSQL cluster runs as `postgres` in $TMPDIR.
chmod 755 "$test_tmp_root"
test_tmp="$test_tmp_root/tmp"
mkdir -m 1777 "$test_tmp"

status=0
TMPDIR="$test_tmp" pnpm vitest run --reporter=default --reporter=json --outputFile.json="$report_dir/vitest.json" "$@" || status=$?
if [ "$keep_temp" = "1" ]; then
  echo "coffer: COFFER_KEEP_TEMP=1: what the tests made is kept in $test_tmp" >&2
else
  left="$(find "$test_tmp" -mindepth 1 -maxdepth 1 ! -name node-compile-cache | wc -l)"
  if [ "$left" -gt 0 ]; then
    echo "coffer: the tests left $left entries in their TMPDIR; every test must remove what it creates (tooling/test-temp.ts):" >&2
    (find "$test_tmp" -mindepth 1 -maxdepth 1 ! -name node-compile-cache -exec du -sh {} + 2>/dev/null | head -n 40) >&2 || true
    [ "$status" -ne 0 ] || status=1
  fi
fi
node scripts/summarize-tests.ts "$report_dir" "$status" || status=1
exit $status
