#!/usr/bin/env bash
# Builds the browser extension into extension/dist (load it unpacked) and extension/meta-secret.zip
# from extension/ and the npm package (built first when wasm/pkg is missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -f wasm/pkg/meta_secret_bg.wasm ] || bash scripts/build-npm.sh
dist="$root/extension/dist"
rm -rf "$dist"
mkdir -p "$dist/pkg"
cp extension/manifest.json extension/src/*.js extension/src/*.html extension/src/*.css "$dist/"
cp -r extension/src/icons "$dist/"
# META_SECRET_SERVER: the server this build offers first at setup (default: the local demo's).
if [ -n "${META_SECRET_SERVER:-}" ]; then
  case "$META_SECRET_SERVER" in
    https://* | http://127.0.0.1:* | http://localhost:*) ;;
    *) echo "META_SECRET_SERVER must be an https:// address (or a local http one)" >&2; exit 1 ;;
  esac
  printf '// @ts-check\nexport const BUILT_IN_SERVER = %s;\n' "\"${META_SECRET_SERVER//\"/}\"" > "$dist/config.js"
fi
cp wasm/pkg/meta_secret.js wasm/pkg/meta_secret_bg.wasm wasm/pkg/meta_secret.d.ts wasm/pkg/meta_secret_kdf_worker.js "$dist/pkg/"
cp -r wasm/pkg/snippets "$dist/pkg/"
rm -f "$root/extension/meta-secret.zip"
if ! command -v python3 >/dev/null; then
  echo "extension/dist built; no python3 here, so no zip" >&2
  exit 0
fi
python3 - "$dist" "$root/extension/meta-secret.zip" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(base, name)
            z.write(path, os.path.relpath(path, src))
PY
echo "extension/dist and extension/meta-secret.zip built"
