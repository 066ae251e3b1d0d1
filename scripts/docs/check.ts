/**
 * `npm run docs:check` (run by .ci/run): the documentation cannot drift from the code.
 *
 *   1. the generated references and sections equal what `npm run docs:generate` writes now
 *   2. every schema field (spec, training config, model configs) is described, and every environment
 *      variable the code reads is documented
 *   3. every ```yaml spec / ```json spec block in docs/ validates as `bytelab sweep submit --dry-run` does
 *      (```yaml spec invalid: must be refused)
 *   4. every ```sh runnable block in docs/ runs from the repository root with the expected exit code
 *   5. relative links and #anchors in docs/ and README.md resolve
 *   6. examples/*.yaml point editors at the spec JSON Schema
 *
 * Flags: --no-run skips (4); --only=generated|fields|specs|runnable|links|examples runs one part.
 * Exit 1 with every problem listed (file:line, what, how to fix) when anything fails.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { envProblems } from "./lib/env-ref";
import { type JsonSchema, walkSchema } from "./lib/json-schema";
import { checkLinks } from "./lib/links";
import { docPages, generateAll, silenceTfjsBanner, staleFiles } from "./lib/outputs";
import { REPO_ROOT } from "./lib/paths";
import { ARCHITECTURES, loadSchemas, SOURCES } from "./lib/schemas";
import { type Block, fencedBlocks } from "./lib/snippets";
import { SPEC_SCHEMA_PATH } from "./lib/spec-schema";

silenceTfjsBanner();
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const run = (part: string) => (!only || only === part) && !(part === "runnable" && args.includes("--no-run"));
const problems: string[] = [];
const notes: string[] = [];
const started = Date.now();
const FIX = "run `npm run docs:generate` and commit the result";

function read(path: string): string | null {
  const full = join(REPO_ROOT, path);
  return existsSync(full) ? readFileSync(full, "utf8") : null;
}

/** 1. Generated files and sections are up to date. */
async function checkGenerated() {
  const files = await generateAll();
  problems.push(...staleFiles(files, read));
  notes.push(`${files.length} generated files compared`);
}

/** 2. Every leaf field of the spec, training and model schemas has a description. */
function checkFields() {
  const s = loadSchemas();
  const missing = (schema: JsonSchema, where: string, files: readonly string[]) => {
    walkSchema(schema, (node) => {
      for (const [key, prop] of Object.entries(node.properties ?? {})) {
        if (prop.description || prop.properties || prop.const !== undefined) continue;
        problems.push(
          `${where}: field "${key}" has no description; add a doc comment (/** ... */) or .meta({ description }) to it in ${files.join(" or ")}, then ${FIX}`,
        );
      }
    });
  };
  missing(s.sweep, "spec (sweep)", SOURCES.spec);
  missing(s.ablation, "spec (ablation)", SOURCES.spec);
  missing(s.ladder, "spec (ladder)", SOURCES.spec);
  missing(s.train, "training config", SOURCES.train);
  for (const arch of ARCHITECTURES) missing(s.models[arch], `${arch} model config`, SOURCES.model(arch));
  const env = envProblems();
  problems.push(...env.problems.map((p) => `docs/reference/env.md: ${p}`));
  for (const w of env.warnings) console.warn(`docs:check warning: ${w}`);
}

function blocks(): Block[] {
  return docPages().flatMap((page) => fencedBlocks(page, read(page) ?? ""));
}

/** 3. Spec blocks validate with the code `bytelab sweep submit --dry-run` runs (no database needed). */
async function checkSpecs() {
  const specs = blocks().filter((b) => b.flags.includes("spec"));
  const { checkSweep } = await import("@bytelab/service");
  for (const b of specs) {
    const format = b.lang === "json" ? "json" : "yaml";
    const result = await checkSweep(null, { text: b.text, format, name: `${b.file}:${b.line}` });
    const expectInvalid = b.flags.includes("invalid");
    if (result.valid && expectInvalid)
      problems.push(
        `${b.file}:${b.line}: this spec is marked invalid but validates; fix the example or drop "invalid"`,
      );
    if (!result.valid && !expectInvalid)
      problems.push(
        `${b.file}:${b.line}: spec does not validate (as \`bytelab sweep submit --dry-run\` would say):\n${result.issues
          .map((i) => `    ${i.path || "(root)"}: ${i.issue}${i.fix ? ` (fix: ${i.fix})` : ""}`)
          .join("\n")}`,
      );
  }
  notes.push(`${specs.length} spec blocks validated`);
}

/** 4. Runnable shell blocks exit as they say, two at a time, each at most two minutes. */
async function checkRunnable() {
  const runnable = blocks().filter((b) => b.flags.includes("runnable"));
  const runOne = (b: Block) =>
    new Promise<void>((resolve) => {
      const expected = Number(b.flags.find((f) => f.startsWith("exit="))?.slice(5) ?? 0);
      const child = spawn("bash", ["-e", "-o", "pipefail", "-c", b.text], {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => {
        output += d;
      });
      child.stderr.on("data", (d) => {
        output += d;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code !== expected)
          problems.push(
            `${b.file}:${b.line}: runnable example exited ${code ?? signal} (expected ${expected}); its output ends:\n${output
              .trimEnd()
              .split("\n")
              .slice(-15)
              .map((l) => `    ${l}`)
              .join("\n")}`,
          );
        resolve();
      });
    });
  const queue = [...runnable];
  await Promise.all(
    [0, 1].map(async () => {
      for (let b = queue.shift(); b; b = queue.shift()) await runOne(b);
    }),
  );
  notes.push(`${runnable.length} runnable examples run`);
}

/** 5. Links and anchors resolve. */
function checkAllLinks() {
  const pages = [...docPages(), "README.md"];
  for (const page of pages)
    for (const p of checkLinks(page)) problems.push(`${p.file}:${p.line}: ${p.message}`);
  notes.push(`${pages.length} pages' links checked`);
}

/** 6. Each YAML example names the spec JSON Schema on its first line, by a path that exists. */
function checkExamples() {
  const yamls = readdirSync(join(REPO_ROOT, "examples"))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `examples/${f}`);
  for (const file of [...yamls, "docs/ci/gate-sweep.yaml"]) {
    const first = (read(file) ?? "").split("\n")[0] ?? "";
    const m = first.match(/^# yaml-language-server: \$schema=(\S+)$/);
    const wanted = normalize(join(dirname(file), m?.[1] ?? ""));
    if (!m || wanted !== SPEC_SCHEMA_PATH)
      problems.push(
        `${file}:1: the first line must be \`# yaml-language-server: $schema=<relative path to ${SPEC_SCHEMA_PATH}>\` (editors validate the spec with it)`,
      );
  }
}

if (run("generated")) await checkGenerated();
if (run("fields")) checkFields();
if (run("examples")) checkExamples();
if (run("links")) checkAllLinks();
if (run("specs")) await checkSpecs();
if (run("runnable")) await checkRunnable();

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length) {
  console.error(`docs:check: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n`);
  for (const p of problems) console.error(`  ${p}\n`);
  console.error(`docs:check failed (${notes.join(", ")}; ${seconds} s)`);
  process.exit(1);
}
console.log(`docs:check ok: ${notes.join(", ")} (${seconds} s)`);
process.exit(0);
