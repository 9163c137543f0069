// Makes the generated .d.ts compile under `strict` with `skipLibCheck: false` on any lib:
// - `[Symbol.dispose]()` needs lib esnext.disposable (TS2550 on ES2022), so the declaration is
//   dropped (the method still exists at runtime; `free()` is the typed way);
// - `InitOutput` lists the raw wasm exports typed `any`; users only need the memory.
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2];
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
