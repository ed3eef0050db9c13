#!/usr/bin/env bash
# Installs, builds and starts Coffer: the server on its embedded SQLite default,
# over HTTPS with a self-signed certificate, serving the web app. Prints its URL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$COFFER_ROOT"
pnpm turbo run build --output-logs=errors-only
exec node apps/server/dist/coffer-server.js --data-dir "${COFFER_DATA_DIR:-$COFFER_ROOT/.coffer-data}" --port "${COFFER_PORT:-8443}" "$@"
