import { defineConfig } from "vite";

export default defineConfig({
  // The package loads its .wasm and its key worker through `new URL(…, import.meta.url)`;
  // pre-bundling would move its files away from each other.
  optimizeDeps: { exclude: ["meta-secret"] },
  // Here the package is a link to ../../wasm/pkg; keep serving it as node_modules/meta-secret.
  resolve: { preserveSymlinks: true },
  build: { target: "es2022" },
  worker: { format: "es" },
});
