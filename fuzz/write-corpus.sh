#!/usr/bin/env bash
# Writes the fuzz targets' seeds (a real vault's events and requests) into fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p meta-secret-tests --bin fuzz-corpus -- fuzz/corpus
