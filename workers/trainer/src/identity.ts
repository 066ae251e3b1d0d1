import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

const repoRoot = new URL("../../../", import.meta.url);

/** bytelab version plus the git commit when this is a checkout: `0.1.0+3f2c1ab` (dirty trees get `-dirty`). */
export function workerVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL("package.json", repoRoot), "utf8")) as {
    version: string;
  };
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    const commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
    return `${version}+${commit}${dirty ? "-dirty" : ""}`;
  } catch {
    return version; // not a git checkout (Docker image, tarball)
  }
}

export function workerIdentity(explicitId: string | undefined): { id: string; host: string; pid: number } {
  const host = hostname();
  return { id: explicitId ?? `${host}-${process.pid}`, host, pid: process.pid };
}
