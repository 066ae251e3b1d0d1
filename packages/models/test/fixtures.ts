import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

/**
 * The golden fixtures every checkout carries (fixtures/golden: the public set, see its README.md). The
 * conformance tests need nothing outside the repository.
 */
export const IN_REPO_GOLDEN_DIR = resolve(__dirname, "fixtures/golden");

/**
 * Extra fixtures checked when present: BYTELAB_GOLDEN_DIR, else ../shared/golden next to the repository
 * (for example a hidden set in the same format). Absent is fine.
 */
export const EXTRA_GOLDEN_DIR =
  process.env.BYTELAB_GOLDEN_DIR || resolve(__dirname, "../../../../shared/golden");

/** Fixture folders (with a manifest.json) directly inside `dir`, sorted; none when `dir` does not exist. */
export function fixtureFolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((d) => join(dir, d))
    .filter((d) => existsSync(join(d, "manifest.json")));
}

function sameFixture(a: string, b: string): boolean {
  return ["manifest.json", "logits.bin", "weights.bin"].every((file) => {
    const [x, y] = [join(a, file), join(b, file)];
    return existsSync(x) && existsSync(y) && readFileSync(x).equals(readFileSync(y));
  });
}

/** The extra folder's fixtures that are not byte-for-byte copies of an in-repo one (those would run twice). */
function extraFixtures(): string[] {
  const inRepo = new Map(fixtureFolders(IN_REPO_GOLDEN_DIR).map((d) => [basename(d), d]));
  if (resolve(EXTRA_GOLDEN_DIR) === IN_REPO_GOLDEN_DIR) return [];
  return fixtureFolders(EXTRA_GOLDEN_DIR).filter((d) => {
    const twin = inRepo.get(basename(d));
    return !twin || !sameFixture(twin, d);
  });
}

export function manifestArchitecture(dir: string): string {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).architecture;
}

/** In-repo fixtures, then extra ones, whose manifest says `architecture` (all when omitted). */
export function goldenFixtures(architecture?: string): string[] {
  return [...fixtureFolders(IN_REPO_GOLDEN_DIR), ...extraFixtures()].filter(
    (dir) => !architecture || manifestArchitecture(dir) === architecture,
  );
}
