import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { SpecValidationError } from "../issues";
import { type ExperimentSpec, parseSpec } from "./schema";

export type SpecFormat = "yaml" | "json";

/** The format a spec file's name implies (.json = JSON, anything else = YAML, a superset of JSON). */
export function formatFromPath(path: string): SpecFormat {
  return extname(path).toLowerCase() === ".json" ? "json" : "yaml";
}

/** Reads spec text (YAML or JSON) into a plain value, reporting syntax errors with line and column. */
export function readSpecText(text: string, format: SpecFormat = "yaml", source = "sweep spec"): unknown {
  try {
    return format === "json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos?.[0]
        ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : "";
    throw new SpecValidationError(
      [
        {
          path: "",
          issue: `not valid ${format.toUpperCase()}${where ? ` (${where})` : ""}: ${(error as Error).message.split("\n")[0]}`,
          fix:
            format === "json"
              ? "fix the JSON syntax (or use YAML)"
              : "fix the YAML syntax at the position shown",
        },
      ],
      source,
    );
  }
}

/** Parses and validates spec text. */
export function parseSpecText(
  text: string,
  format: SpecFormat = "yaml",
  source = "sweep spec",
): ExperimentSpec {
  return parseSpec(readSpecText(text, format, source), source);
}

/** Reads, parses and validates a spec file (.yaml / .yml / .json). */
export async function loadSpecFile(path: string): Promise<ExperimentSpec> {
  const text = await readFile(path, "utf8");
  return parseSpecText(text, formatFromPath(path), path);
}
