#!/usr/bin/env bash
# Builds the worker into worker/build without downloading anything from GitHub.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
export ESBUILD_BIN="${ESBUILD_BIN:-$root/node_modules/.bin/esbuild}"
# Tests build once, then start wrangler many times; its [build] step is skipped for them.
if [ "${META_SECRET_SKIP_BUILD:-}" = 1 ] && [ -f "$root/worker/build/worker/shim.mjs" ]; then
  exit 0
fi
cd "$root/worker"
features=()
if [ "${META_SECRET_TEST_BUILD:-}" = 1 ]; then
  features=(--features conformance)
fi
"$HOME/.cargo/bin/worker-build" --release "${features[@]}"
