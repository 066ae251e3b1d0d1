import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { SpecText } from "../backend/backend";
import { UsageError } from "../exit";

/**
 * Reads a spec file as text (YAML, or JSON for a .json file); the backend validates it (the service
 * locally, the server remotely). A missing or unreadable file is a usage error (exit 2).
 */
export async function readSpecFile(file: string): Promise<SpecText> {
  try {
    const text = await readFile(file, "utf8");
    return { file, text, format: extname(file).toLowerCase() === ".json" ? "json" : "yaml" };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `${file}: no such file; give the path of a sweep spec (.yaml, .yml or .json), e.g. examples/arch-compare-brown.yaml`
        : `${file}: cannot read it (${(error as Error).message})`,
    );
  }
}
