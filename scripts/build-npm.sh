#!/usr/bin/env bash
# Builds the npm package into wasm/pkg: release wasm, wasm-bindgen (ES module), wasm-opt from npm
# binaryen 132 (never Debian's: see ../shared/TOOLCHAIN.md), then reports the sizes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# META_SECRET_PKG_DIR / META_SECRET_FEATURES: the benchmarks build a `bench` variant elsewhere.
pkg="${META_SECRET_PKG_DIR:-$root/wasm/pkg}"
features=()
if [ -n "${META_SECRET_FEATURES:-}" ]; then
  features=(--features "$META_SECRET_FEATURES")
fi
# META_SECRET_NO_DEFAULT_FEATURES=1: the package without its default features (figure 8b).
if [ -n "${META_SECRET_NO_DEFAULT_FEATURES:-}" ]; then
  features+=(--no-default-features)
fi

cargo build -p meta-secret-wasm --target wasm32-unknown-unknown --profile wasm-release "${features[@]}"
rm -rf "$pkg"
"$HOME/.cargo/bin/wasm-bindgen" --target web --remove-name-section --remove-producers-section \
  --out-dir "$pkg" --out-name meta_secret \
  "$root/target/wasm32-unknown-unknown/wasm-release/meta_secret_wasm.wasm"
"$root/node_modules/.bin/wasm-opt" -Oz \
  --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  "$pkg/meta_secret_bg.wasm" -o "$pkg/meta_secret_bg.wasm"
cp "$root/wasm/npm/package.json" "$root/wasm/npm/README.md" "$root/wasm/npm/meta_secret_kdf_worker.js" "$pkg/"
node "$root/scripts/tidy-dts.mjs" "$pkg/meta_secret.d.ts"
rm -f "$pkg/meta_secret_bg.wasm.d.ts" # raw exports typed `any`; nothing imports it

# age's localisation is patched out (third_party/README.md); its .ftl text must not come back.
if grep -q "err-stream-last-chunk-empty" "$pkg/meta_secret_bg.wasm"; then
  echo "age's localisation files are in the wasm again: see third_party/README.md" >&2
  exit 1
fi
raw=$(wc -c < "$pkg/meta_secret_bg.wasm")
gz=$(gzip -9 -c "$pkg/meta_secret_bg.wasm" | wc -c)
echo "$pkg/meta_secret_bg.wasm: $raw bytes raw, $gz bytes gzip -9"
