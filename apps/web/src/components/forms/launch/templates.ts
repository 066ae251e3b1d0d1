import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isPlainObject } from "@bytelab/experiments/spec";
import { parse as parseYaml } from "yaml";
import type { SpecTemplate } from "./spec-model";

// Reading examples/ at request time is deliberate (the examples are the repository's, not the bundle's):
// turbopackIgnore keeps Turbopack from tracing the whole project into the server output for it.

/**
 * The repository's examples/ folder: next start runs in apps/web, `next dev` and tests in the repository
 * root or apps/web; BYTELAB_EXAMPLES_DIR overrides (an image that ships the examples elsewhere).
 */
function examplesDir(): string | null {
  const candidates = [
    process.env.BYTELAB_EXAMPLES_DIR,
    join(process.cwd(), "examples"),
    join(process.cwd(), "..", "..", "examples"),
    join(process.cwd(), "..", "examples"),
  ].filter((d): d is string => typeof d === "string" && d !== "");
  return candidates.map((d) => resolve(d)).find((d) => existsSync(/*turbopackIgnore: true*/ d)) ?? null;
}

/** The example specs (examples/*.yaml|yml|json) as form templates, read on the server, sorted by name. */
export async function loadSpecTemplates(): Promise<SpecTemplate[]> {
  const dir = examplesDir();
  if (!dir) return [];
  const files = (await readdir(/*turbopackIgnore: true*/ dir))
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort();
  return Promise.all(
    files.map(async (file): Promise<SpecTemplate> => {
      const text = await readFile(/*turbopackIgnore: true*/ join(dir, file), "utf8");
      const format = file.toLowerCase().endsWith(".json") ? "json" : "yaml";
      let spec: Record<string, unknown> | null = null;
      try {
        const value: unknown = format === "json" ? JSON.parse(text) : parseYaml(text);
        spec = isPlainObject(value) ? value : null;
      } catch {
        spec = null;
      }
      return {
        file,
        format,
        text,
        spec,
        kind: typeof spec?.kind === "string" ? spec.kind : "sweep",
        name: typeof spec?.name === "string" ? spec.name : file,
        description: typeof spec?.description === "string" ? spec.description : null,
      };
    }),
  );
}
