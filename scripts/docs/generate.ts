/**
 * `npm run docs:generate`: writes the generated references (docs/reference/*) and the generated sections of
 * the hand-written pages from the code: the zod schemas, the CLI's commander program, the OpenAPI document
 * and the env schemas. `npm run docs:check` fails when what is committed differs from what this writes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateAll, silenceTfjsBanner } from "./lib/outputs";
import { REPO_ROOT } from "./lib/paths";

silenceTfjsBanner();
const started = Date.now();
const files = await generateAll();
let changed = 0;
for (const file of files) {
  const path = join(REPO_ROOT, file.path);
  const before = existsSync(path) ? readFileSync(path, "utf8") : null;
  if (before === file.content) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  changed++;
  console.log(`docs:generate: ${before === null ? "wrote" : "updated"} ${file.path}`);
}
console.log(
  `docs:generate: ${files.length} files checked, ${changed} written (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
