#!/usr/bin/env bash
# The browser tests: wasm-bindgen-test in headless Chromium (page and dedicated worker) against a
# fresh `wrangler dev` that scripts/with-wrangler.mjs starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-worker.sh
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
# Release: scrypt and age in an unoptimised wasm build are far slower than users ever see.
# Arguments select tests (for example `--test idb_store`); none runs them all.
if [ "$#" -eq 0 ]; then set -- --tests; fi
node scripts/with-wrangler.mjs -- \
  cargo test -p meta-secret-wasm --target wasm32-unknown-unknown --release "$@"
