#!/usr/bin/env bash
# A CI job with coffer: log in without a terminal, read deploy secrets into
# environment variables, store the build artifact, check the --json answers,
# and stop with coffer's own exit code (README: Exit codes) on any failure.
# apps/cli/test/ci-pipeline.test.ts runs it against a real server.
#
# Needs: COFFER_URL, COFFER_PIN (the server's certificate fingerprint),
# COFFER_PASSPHRASE_FILE (the CI account's passphrase, first line).
# Optional: COFFER_VAULT (default ops), COFFER_USER (default ci-bot),
# COFFER_BIN (a built coffer.js; default: `coffer` on PATH), BUILD_ID.
set -euo pipefail

: "${COFFER_URL:?set COFFER_URL}" "${COFFER_PIN:?set COFFER_PIN}"
: "${COFFER_PASSPHRASE_FILE:?set COFFER_PASSPHRASE_FILE}"
VAULT="${COFFER_VAULT:-ops}"
BUILD_ID="${BUILD_ID:-local-$$}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export COFFER_HOME="$WORK/coffer"   # a profile of this job's own, gone with it

coffer() {
  if [[ -n "${COFFER_BIN:-}" ]]; then node "$COFFER_BIN" "$@"; else command coffer "$@"; fi
}

# What each documented exit code means for this job.
explain() {
  case "$1" in
    2) echo "usage error (a bug in this script?)" ;;
    3) echo "authentication failed: check the passphrase secret, or the account's access to $VAULT" ;;
    4) echo "not found: vault $VAULT or a key this job needs is missing" ;;
    5) echo "conflict: another writer changed the same key; resolve it with coffer conflicts" ;;
    6) echo "the coffer server is unreachable (retry the job later)" ;;
    7) echo "the coffer server answered with an error (retry the job later)" ;;
    8) echo "decryption or verification failed: do not trust this data" ;;
    *) echo "unexpected failure (exit $1)" ;;
  esac
}

# `step NAME cmd…`: run a --json coffer command; its document goes to $WORK/NAME.json.
# A failure prints coffer's error code and message, then ends the job with its exit code.
step() {
  local name="$1"
  shift
  local rc=0
  coffer --json "$@" >"$WORK/$name.json" </dev/null || rc=$?
  if ((rc != 0)); then
    node -e '
      const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.error(`ci: ${process.argv[2]} failed: ${d.error.code}: ${d.error.message}`);
    ' "$WORK/$name.json" "$name" || echo "ci: $name failed without a JSON answer" >&2
    echo "ci: $(explain "$rc")" >&2
    exit "$rc"
  fi
}

# `check NAME JS`: assert on the document of step NAME (`d`); a false result ends the job.
check() {
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (!(0, eval)(`(d) => (${process.argv[2]})`)(d)) {
      console.error(`ci: unexpected answer of ${process.argv[3]}: ${process.argv[2]}`);
      process.exit(1);
    }
  ' "$WORK/$1.json" "$2" "$1"
}

# --- log in and unlock once ----------------------------------------------------
step login login --server "$COFFER_URL" -u "${COFFER_USER:-ci-bot}" --pin "$COFFER_PIN" \
  --passphrase-file "$COFFER_PASSPHRASE_FILE"
check login 'd.ok && d.username && d.accountId && d.server'
step unlock --passphrase-file "$COFFER_PASSPHRASE_FILE" unlock
COFFER_SESSION="$(node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).session' <"$WORK/unlock.json")"
export COFFER_SESSION

# --- secrets into the environment (never printed) ------------------------------
step db get --sync "$VAULT" db/password
check db 'd.type.startsWith("text/") && d.withheld === null && !d.pending'
DB_PASSWORD="$(node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).value' <"$WORK/db.json")"
rm "$WORK/db.json"
API_TOKEN="$(coffer get "$VAULT" api/token </dev/null)" || {
  rc=$?
  echo "ci: $(explain "$rc")" >&2
  exit "$rc"
}
export DB_PASSWORD API_TOKEN
echo "ci: secrets loaded (${#DB_PASSWORD} and ${#API_TOKEN} characters)" >&2

# --- the build ------------------------------------------------------------------
mkdir "$WORK/out"
printf 'build %s\n' "$BUILD_ID" >"$WORK/out/VERSION"
head -c 300000 /dev/urandom >"$WORK/out/app.bin" # above the inline limit: stored as a blob
tar -C "$WORK/out" -cf "$WORK/artifact.tar" .
BYTES="$(wc -c <"$WORK/artifact.tar" | tr -d ' ')"

step put put "$VAULT" "artifacts/$BUILD_ID.tar" --file "$WORK/artifact.tar"
check put "d.pushed === true && d.blob === true && d.bytes === $BYTES"
step version put "$VAULT" build/latest "$BUILD_ID"
check version 'd.pushed === true'

# --- check what landed ------------------------------------------------------------
step ls ls "$VAULT"
check ls "d.keys.some((k) => k.name === 'artifacts/$BUILD_ID.tar' && !k.pending)"
coffer get "$VAULT" "artifacts/$BUILD_ID.tar" --out "$WORK/back.tar" </dev/null
cmp -s "$WORK/artifact.tar" "$WORK/back.tar" || {
  echo "ci: the artifact read back differs" >&2
  exit 1
}

step sync sync
check sync 'd.pending === 0 && d.conflicts === 0 && d.withheld.length === 0'
coffer lock >/dev/null
echo "ci: build $BUILD_ID stored in $VAULT ($BYTES bytes)" >&2
