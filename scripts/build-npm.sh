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

# curve25519-dalek's precomputed tables (38 KB gzip) stay out of the package: third_party/README.md.
curve_features=$(cargo tree -p meta-secret-wasm --target wasm32-unknown-unknown -e features -e normal \
  "${features[@]}" -i curve25519-dalek)
if grep -q precomputed-tables <<<"$curve_features"; then
  echo "a dependency turns on curve25519-dalek's precomputed-tables again: see third_party/README.md" >&2
  exit 1
fi
# The release wasm is built by a pinned nightly that rebuilds std with `panic=immediate-abort`
# and `optimize_for_size`: panic messages, their locations and the formatting behind them leave
# the module (-43 KB gzip). A panic is a bug here (bad input is a typed error), and it still
# stops the module as before. META_SECRET_WASM_TOOLCHAIN=stable (or any toolchain that is not a
# nightly) builds the bigger module without it.
toolchain="${META_SECRET_WASM_TOOLCHAIN:-nightly-2026-05-20}"
if [[ "$toolchain" != nightly* ]]; then
  cargo "+$toolchain" build -p meta-secret-wasm --target wasm32-unknown-unknown --profile wasm-release "${features[@]}"
else
  if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1 \
    || ! rustup component list --toolchain "$toolchain" --installed | grep -q '^rust-src'; then
    rustup toolchain install "$toolchain" --profile minimal --component rust-src --target wasm32-unknown-unknown
  fi
  # These flags replace .cargo/config.toml's for the target, so its getrandom backend is repeated.
  RUSTFLAGS='--cfg getrandom_backend="custom" -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none' \
    cargo "+$toolchain" build -p meta-secret-wasm --target wasm32-unknown-unknown --profile wasm-release \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "${features[@]}"
fi
rm -rf "$pkg"
"$HOME/.cargo/bin/wasm-bindgen" --target web --remove-name-section --remove-producers-section \
  --out-dir "$pkg" --out-name meta_secret \
  "$root/target/wasm32-unknown-unknown/wasm-release/meta_secret_wasm.wasm"
# -Oz run until it stops shrinking (--converge): about 2 KB gzip more than one pass.
"$root/node_modules/.bin/wasm-opt" -Oz --converge \
  --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  "$pkg/meta_secret_bg.wasm" -o "$pkg/meta_secret_bg.wasm"
cp "$root/wasm/npm/package.json" "$root/wasm/npm/README.md" "$root/wasm/npm/meta_secret_kdf_worker.js" "$root/LICENSE" "$pkg/"
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
