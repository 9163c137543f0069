// Makes the generated .d.ts compile under `strict` with `skipLibCheck: false` on any lib:
// - `[Symbol.dispose]()` needs lib esnext.disposable (TS2550 on ES2022), so the declaration is
//   dropped (the method still exists at runtime; `free()` is the typed way);
// - `InitOutput` lists the raw wasm exports typed `any`; users only need the memory.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const path = process.argv[2];
// The error class lives in a wasm-bindgen snippet; the package's entry re-exports it.
const entry = join(dirname(path), "meta_secret.js");
let js = readFileSync(entry, "utf8");
const snippet = js.match(/from ['"](\.\/snippets\/[^'"]+)['"]/);
if (!snippet) {
  console.error("no snippet import in meta_secret.js (where is MetaSecretError?)");
  process.exit(1);
}
if (!js.includes("export { MetaSecretError }")) {
  js += `\nexport { MetaSecretError } from '${snippet[1]}';\n`;
  writeFileSync(entry, js);
}
let text = readFileSync(path, "utf8");
text = text.replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, "");
text = text.replace(
  /export interface InitOutput \{[\s\S]*?\n\}/,
  "export interface InitOutput {\n  readonly memory: WebAssembly.Memory;\n}",
);
if (/\bany\b/.test(text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""))) {
  console.error(`${path} still mentions \`any\``);
  process.exit(1);
}
writeFileSync(path, text);
