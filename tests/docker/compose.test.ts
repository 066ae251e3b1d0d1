import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// docker-compose.yml checked against the Dockerfile it builds from (no Docker needed): every build target
// exists, the gpu profile reserves NVIDIA devices for a worker built on CUDA 11.2 + cuDNN 8 with
// tfjs-node-gpu's install script run, the CPU worker image is built without the dashboard and dev tools, and
// published ports listen on 127.0.0.1 only.

const ROOT = join(import.meta.dirname, "../..");

interface Stage {
  name: string;
  from: string;
  body: string;
}

/** FROM ... AS name stages, with ARG defaults declared before the first FROM substituted. */
function dockerStages(text: string): Map<string, Stage> {
  const args = new Map<string, string>();
  const stages = new Map<string, Stage>();
  let current: Stage | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg && !current) args.set(arg[1]!, arg[2]!);
    const from = /^FROM\s+(\S+)\s+AS\s+(\S+)/i.exec(line);
    if (from) {
      const image = from[1]!.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? "");
      current = { name: from[2]!, from: image, body: "" };
      stages.set(current.name, current);
    } else if (current) current.body += `${raw}\n`;
  }
  return stages;
}

/** The stage and every stage it is built FROM, nearest first. */
function chain(stages: Map<string, Stage>, name: string): Stage[] {
  const out: Stage[] = [];
  for (let s = stages.get(name); s; s = stages.get(s.from)) out.push(s);
  return out;
}

interface Service {
  build?: { context: string; target?: string };
  profiles?: string[];
  ports?: string[];
  deploy?: {
    resources?: {
      reservations?: { devices?: { driver?: string; count?: unknown; capabilities?: string[] }[] };
    };
  };
}

const stages = dockerStages(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")) as {
  services: Record<string, Service>;
};

describe("docker-compose.yml against the Dockerfile", () => {
  it("builds only targets the Dockerfile defines", () => {
    const targets = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(targets.map(([n]) => n)).toEqual(expect.arrayContaining(["web", "worker", "worker-gpu"]));
    for (const [name, s] of targets) {
      expect(s.build?.target, `${name} names a target`).toBeTruthy();
      expect(stages.has(s.build!.target!), `${name}: target ${s.build?.target} is a Dockerfile stage`).toBe(
        true,
      );
    }
  });

  it("has a gpu profile whose worker reserves NVIDIA GPUs and runs on CUDA 11.2 + cuDNN 8 with tfjs-node-gpu", () => {
    const gpu = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes("gpu"));
    expect(gpu.map(([n]) => n)).toEqual(["worker-gpu"]);
    const service = gpu[0]![1];
    const devices = service.deploy?.resources?.reservations?.devices ?? [];
    expect(devices).toContainEqual(expect.objectContaining({ driver: "nvidia", capabilities: ["gpu"] }));
    const stage = stages.get(service.build!.target!)!;
    expect(stage.from).toMatch(/^nvidia\/cuda:11\.2(\.\d+)?-cudnn8-runtime-/);
    // The install script tfjs-node-gpu needs is the one `bytelab doctor` prints.
    expect(stage.body).toContain("npm rebuild @tensorflow/tfjs-node-gpu --dangerously-allow-all-scripts");
    // Every other service runs without the gpu profile.
    for (const [name, s] of Object.entries(compose.services))
      if (name !== "worker-gpu") expect(s.profiles, name).toBeUndefined();
  });

  it("keeps the CPU worker image lean: not built on the full install, no dashboard or dev tools", () => {
    const names = chain(stages, compose.services.worker!.build!.target!).map((s) => s.name);
    expect(names).not.toContain("source");
    expect(names).not.toContain("deps");
    const deps = stages.get("worker-deps")!;
    expect(deps.body).toMatch(/npm install --omit=dev/);
    expect(deps.body).toMatch(/rm -rf apps\/web/);
    // What it copies from the full build stage is the generated Prisma client, nothing else.
    const app = stages.get("worker-app")!;
    for (const m of app.body.matchAll(/COPY --from=source (\S+)/g))
      expect(m[1]).toBe("/app/packages/db/src/generated");
  });

  it("publishes ports on 127.0.0.1 only", () => {
    const published = Object.entries(compose.services).flatMap(([n, s]) =>
      (s.ports ?? []).map((p) => [n, p]),
    );
    expect(published.map(([n]) => n)).toContain("web");
    for (const [name, port] of published) expect(port, name).toMatch(/^127\.0\.0\.1:/);
  });
});
