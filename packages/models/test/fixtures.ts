import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where the golden fixtures live: BYTELAB_GOLDEN_DIR, else ../shared/golden next to the repository. */
export const GOLDEN_DIR = process.env.BYTELAB_GOLDEN_DIR ?? resolve(__dirname, "../../../../shared/golden");

/** Fixture folder names whose manifest says `architecture`. */
export function goldenFixtures(architecture?: string): string[] {
  if (!existsSync(GOLDEN_DIR)) return [];
  return readdirSync(GOLDEN_DIR)
    .filter((d) => existsSync(join(GOLDEN_DIR, d, "manifest.json")))
    .map((d) => join(GOLDEN_DIR, d))
    .filter((dir) => !architecture || readManifestArchitecture(dir) === architecture);
}

function readManifestArchitecture(dir: string): string {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).architecture;
}
