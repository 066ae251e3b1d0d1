import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  newestBuildInput,
  webBuildState,
  webWorkspacePackages,
  writeBuildStamp,
} from "../../scripts/start/web-build";
import { REPO_ROOT } from "./start-process";

// When does `npm start` rebuild the web app? A throwaway repo layout: apps/web depends on @x/a, which
// depends on @x/b; @x/c is unrelated. Only files the build reads may make it stale.

let repo: string;

function write(path: string, content: string, mtimeSeconds?: number) {
  const full = join(repo, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  if (mtimeSeconds !== undefined) utimesSync(full, mtimeSeconds, mtimeSeconds);
}

const manifest = (name: string, deps: string[] = []) =>
  JSON.stringify({ name, dependencies: Object.fromEntries(deps.map((d) => [d, "^0.1.0"])) });

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "bytelab-webbuild-"));
  const old = 1_000_000_000; // 2001: every input starts old
  write("package.json", "{}", old);
  write("apps/web/package.json", manifest("@x/web", ["@x/a", "next"]), old);
  write("apps/web/src/app/page.tsx", "export default 1", old);
  write("packages/a/package.json", manifest("@x/a", ["@x/b"]), old);
  write("packages/a/src/index.ts", "export {}", old);
  write("packages/b/package.json", manifest("@x/b"), old);
  write("packages/b/src/index.ts", "export {}", old);
  write("packages/c/package.json", manifest("@x/c"), old);
  write("packages/c/src/index.ts", "export {}", old);
  // `next` must resolve from apps/web (its version is part of the stamp).
  symlinkSync(join(REPO_ROOT, "node_modules"), join(repo, "node_modules"));
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("web build staleness", () => {
  it("follows the web app's workspace dependencies transitively, and nothing else", () => {
    expect(webWorkspacePackages(repo)).toEqual([join(repo, "packages/a"), join(repo, "packages/b")]);
  });

  it("needs a build when there is none, and not after one of the current inputs", () => {
    expect(webBuildState(repo)).toEqual({ fresh: false, reason: "no production build yet" });
    write("apps/web/.next/BUILD_ID", "id");
    expect(webBuildState(repo)).toEqual({ fresh: false, reason: "the build was not made by npm start" });
    writeBuildStamp(repo, newestBuildInput(repo));
    expect(webBuildState(repo)).toEqual({ fresh: true });
  });

  it("ignores edits to packages the web app does not use", () => {
    write("packages/c/src/index.ts", "export const changed = 1");
    expect(webBuildState(repo)).toEqual({ fresh: true });
  });

  it("rebuilds after an edit to a transitive dependency's source", () => {
    write("packages/b/src/index.ts", "export const changed = 1");
    expect(webBuildState(repo)).toEqual({ fresh: false, reason: "sources changed" });
    writeBuildStamp(repo, newestBuildInput(repo));
    // An explicit later mtime: two writes within one clock tick would otherwise look simultaneous.
    write("apps/web/src/app/page.tsx", "export default 2", Date.now() / 1000 + 5);
    expect(webBuildState(repo)).toEqual({ fresh: false, reason: "sources changed" });
  });
});
