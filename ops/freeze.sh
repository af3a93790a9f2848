#!/usr/bin/env sh
# The seed's freeze: one archive with graphs, vector store, adapters, every Redis key and the config.
# Stop Lumina first. Usage: ops/freeze.sh [--out FILE]; bring it back with `npx lumina restore FILE`.
set -eu
cd "$(dirname "$0")/.."
exec npx lumina snapshot "$@"
