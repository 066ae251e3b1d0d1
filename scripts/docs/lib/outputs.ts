import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { quietTfjsNodeBanner } from "@bytelab/models";
import { EXIT_HELP } from "@bytelab/cli";
import { API_REF_PATH, OPENAPI_PATH, openApi, renderApiReference } from "./api-ref";
import { CLI_REF_PATH, renderCliReference } from "./cli-ref";
import { ENV_REF_PATH, renderEnvReference } from "./env-ref";
import {
  renderFlopsOverview,
  renderModelConfig,
  renderModelFixtures,
  renderModelFlops,
  renderModelRecommended,
} from "./models-ref";
import { REPO_ROOT } from "./paths";
import { ARCHITECTURES, type Architecture } from "./schemas";
import { SPEC_SCHEMA_PATH, buildSpecSchema } from "./spec-schema";
import { SPEC_REF_PATH, renderSpecReference } from "./spec-ref";

export const DOCS_DIR = "docs";

/** A file as `npm run docs:generate` writes it. */
export interface GeneratedFile {
  path: string;
  content: string;
  /** "file": wholly generated; "sections": a hand-written page whose marked sections are generated. */
  kind: "file" | "sections";
}

/** Formats generated JSON the way `biome check` wants it (the repository's lint covers docs/). */
function biomeJson(path: string, value: unknown): string {
  const biome = join(REPO_ROOT, "node_modules/.bin/biome");
  return execFileSync(biome, ["format", `--stdin-file-path=${path}`], {
    cwd: REPO_ROOT,
    input: `${JSON.stringify(value, null, 2)}\n`,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * `<!-- generated:NAME ARG -->` ... `<!-- /generated -->` in a hand-written page: the content between the
 * markers is what NAME renders for ARG.
 */
const SECTION = /(<!-- generated:([\w-]+)(?: ([\w,.-]+))? -->\n)([\s\S]*?)(<!-- \/generated -->)/g;

const isArchitecture = (arg: string | undefined): arg is Architecture =>
  (ARCHITECTURES as readonly string[]).includes(arg ?? "");

/** The renderers of generated sections, by name. */
const SECTIONS: Record<string, (arg: string | undefined) => string | Promise<string>> = {
  "model-config": (arch) => (isArchitecture(arch) ? renderModelConfig(arch) : badArg("model-config", arch)),
  "model-flops": (arch) => (isArchitecture(arch) ? renderModelFlops(arch) : badArg("model-flops", arch)),
  "model-recommended": (arch) =>
    isArchitecture(arch) ? renderModelRecommended(arch) : badArg("model-recommended", arch),
  "model-fixtures": (arch) =>
    isArchitecture(arch) ? renderModelFixtures(arch) : badArg("model-fixtures", arch),
  "flops-overview": () => renderFlopsOverview(),
  "exit-codes": () => `\`\`\`text\n${EXIT_HELP.trim()}\n\`\`\`\n`,
};

function badArg(name: string, arg: string | undefined): never {
  throw new Error(
    `generated:${name} needs an architecture (${ARCHITECTURES.join(", ")}), got ${arg ?? "none"}`,
  );
}

/** Fills every generated section of a page; throws on an unknown section name. */
export async function fillSections(path: string, text: string): Promise<string> {
  const parts: Array<string | Promise<string>> = [];
  let last = 0;
  for (const m of text.matchAll(SECTION)) {
    const [, open, name, arg, , close] = m;
    const render = SECTIONS[name!];
    if (!render)
      throw new Error(
        `${path}: unknown generated section "${name}" (known: ${Object.keys(SECTIONS).join(", ")})`,
      );
    parts.push(text.slice(last, m.index), open!, Promise.resolve(render(arg)), close!);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return (await Promise.all(parts)).join("");
}

/** Markdown files under docs/, relative to the repository root, sorted. */
export function docPages(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) out.push(path);
    }
  };
  walk(DOCS_DIR);
  return out.sort();
}

/** Everything `npm run docs:generate` writes, rendered from the code as it is now. */
export async function generateAll(): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [
    { path: SPEC_REF_PATH, content: renderSpecReference(), kind: "file" },
    { path: SPEC_SCHEMA_PATH, content: biomeJson(SPEC_SCHEMA_PATH, buildSpecSchema()), kind: "file" },
    { path: CLI_REF_PATH, content: renderCliReference(), kind: "file" },
    { path: API_REF_PATH, content: renderApiReference(), kind: "file" },
    { path: OPENAPI_PATH, content: biomeJson(OPENAPI_PATH, openApi()), kind: "file" },
    { path: ENV_REF_PATH, content: renderEnvReference(), kind: "file" },
  ];
  const whole = new Set(files.map((f) => f.path));
  for (const page of docPages()) {
    if (whole.has(page)) continue;
    const text = readFileSync(join(REPO_ROOT, page), "utf8");
    if (!text.includes("<!-- generated:")) continue;
    files.push({ path: page, content: await fillSections(page, text), kind: "sections" });
  }
  return files;
}

/**
 * The generated files that differ from what `read` returns (the committed files): each with the first line
 * that differs, and the fix.
 */
export function staleFiles(files: readonly GeneratedFile[], read: (path: string) => string | null): string[] {
  const fix = "run `npm run docs:generate` and commit the result";
  const problems: string[] = [];
  for (const f of files) {
    const current = read(f.path);
    if (current === f.content) continue;
    if (current === null) {
      problems.push(`${f.path}: missing (it is generated); ${fix}`);
      continue;
    }
    const a = current.split("\n");
    const b = f.content.split("\n");
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    problems.push(
      `${f.path}:${line + 1}: out of date with the code (${f.kind === "file" ? "a generated file" : "a generated section"}): ` +
        `committed ${JSON.stringify((a[line] ?? "<end of file>").slice(0, 100))}, ` +
        `generated ${JSON.stringify((b[line] ?? "<end of file>").slice(0, 100))}; ${fix}`,
    );
  }
  return problems;
}

/**
 * Spec expansion builds models on TF.js, which would then print its banner recommending tfjs-node: noise for a
 * command that trains nothing (the same call @bytelab/service makes).
 */
export function silenceTfjsBanner(): void {
  quietTfjsNodeBanner();
}
