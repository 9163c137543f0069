#!/usr/bin/env bash
# Every test of the project, in the order CI runs them. Fails on the first red step.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "setup (each tool skipped when already at its pinned version)"
node scripts/start.mjs --setup-only --with-chromium
export PATH="$HOME/.cargo/bin:$PATH"

step "format"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (wasm32 core, wasm and worker)"
cargo clippy -p meta-secret-core -p meta-secret-wasm -p meta-secret-worker --target wasm32-unknown-unknown \
  --all-targets -- -D warnings
cargo clippy -p meta-secret-wasm --target wasm32-unknown-unknown --features bench -- -D warnings
# Without recovery kits: the build bench figure 8b compares against.
cargo clippy -p meta-secret-wasm --target wasm32-unknown-unknown --no-default-features -- -D warnings

# (The core's wasm32 build needs no step of its own: the browser tests, the npm package and the
# worker each build it for wasm32.)
step "core has no wasm/worker dependency"
if cargo tree -p meta-secret-core -e normal --target wasm32-unknown-unknown | grep -E '(wasm-bindgen|web-sys|js-sys|rexie|worker) v'; then
  echo "core must not depend on the crates above" >&2
  exit 1
fi

step "tests (native, including end to end against wrangler dev, and 60 s per fuzz target)"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" cargo test --workspace --release

step "browser tests (headless Chromium: IndexedDB conformance, page and worker scope, full scenario vs wrangler dev)"
./scripts/test-browser.sh

step "npm package (release, wasm-opt) and its smoke test in Chromium"
./scripts/build-npm.sh
node tests/browser/release-smoke.mjs

step "every js snippet of the READMEs, where they say it runs (page, dedicated worker, MV3 service worker)"
node tests/browser/readme-snippets.mjs

step "the package's types: a strict TypeScript app (skipLibCheck: false) on lib ES2022 and ESNext, misuse refused"
node_modules/.bin/tsc -p tests/typescript/tsconfig.es2022.json
node_modules/.bin/tsc -p tests/typescript/tsconfig.esnext.json

step "the typed example app (examples/vite-app): strict tsc, vite build, two devices in Chromium"
(cd examples/vite-app && npm ci --no-audit --no-fund && npm run build)
node tests/browser/vite-example.mjs

step "web-demo end to end (npm start on a free port, three devices in Playwright; recovery kits)"
node tests/browser/demo-e2e.mjs

step "browser extension: build, strict type check against the package's .d.ts, end to end in Chromium"
./scripts/build-extension.sh
node_modules/.bin/tsc -p extension/tsconfig.json
node --test tests/extension/
node tests/browser/extension-e2e.mjs

step "wrangler deploy --dry-run, --env production and --env staging (rebuilds without test features, as an operator deploys)"
WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false \
  node_modules/.bin/wrangler deploy --dry-run --env production --outdir "$(mktemp -d)"
WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false META_SECRET_SKIP_BUILD=1 \
  node_modules/.bin/wrangler deploy --dry-run --env staging --outdir "$(mktemp -d)"
