import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { apiEnvSchema, serverEnvSchema } from "../../../apps/web/src/lib/env";
import { dataEnvSchema } from "@bytelab/data/env";
import { WorkerEnvSchema } from "../../../workers/trainer/src/env";
import { startEnvSchema } from "../../start/config";
import { buildDocIndex } from "./jsdoc";
import { zodToJsonSchema } from "./json-schema";
import { cell, code, generatedHeader, jsonCode, table } from "./markdown";
import { REPO_ROOT } from "./paths";

export const ENV_REF_PATH = "docs/reference/env.md";

/** A variable some code reads directly (not through an env schema), or a note for a schema variable. */
interface Note {
  /** The section it belongs to. */
  component: Component;
  default: string;
  meaning: string;
  /** Put before the schema's own doc comment (which says why, not what). */
  prefix?: boolean;
}

type Component =
  | "start"
  | "web"
  | "worker"
  | "models"
  | "data"
  | "artifacts"
  | "cli"
  | "gate"
  | "compose"
  | "internal"
  | "tests"
  | "bench";

const COMPONENTS: Record<Component, { title: string; intro: string }> = {
  start: {
    title: "`npm start`",
    intro:
      "Read by `npm start` (scripts/start.ts, schema `startEnvSchema` in scripts/start/config.ts), which passes the service URLs on to the web app and the worker it starts.",
  },
  web: {
    title: "Web app and REST API",
    intro:
      "Read by the Next.js server (apps/web/src/lib/env.ts: `serverEnvSchema`, `apiEnvSchema`). A bad value answers 503 naming the variable.",
  },
  worker: {
    title: "Trainer worker",
    intro:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: docker compose's syntax, shown as written
      "Read by `workers/trainer` (schema `WorkerEnvSchema` in workers/trainer/src/env.ts); an invalid value stops the worker at start with every bad variable named. Empty values mean the default (docker compose passes `WORKER_SLOTS: ${WORKER_SLOTS:-}`), except `CUDA_VISIBLE_DEVICES`.",
  },
  models: {
    title: "Models and kernels",
    intro:
      "Read by @bytelab/models wherever a model trains or runs (worker children, `bytelab train`, tests).",
  },
  data: {
    title: "Datasets",
    intro: "Read by @bytelab/data (schema `dataEnvSchema` in packages/data/src/env.ts).",
  },
  artifacts: {
    title: "Artifact store (S3)",
    intro:
      "Read by packages/artifacts when `BYTELAB_ARTIFACTS` is an `s3://` URL (the worker, and the API's H-Net boundaries route). The URL's query (`?endpoint=...&region=...&forcePathStyle=true`) wins over these.",
  },
  cli: {
    title: "CLI",
    intro: "Read by `npx bytelab` (packages/cli).",
  },
  gate: {
    title: "CI gate script",
    intro: "Read by [docs/ci/gate.sh](../ci/gate.sh) (see [CI gating](../guides/ci-gating.md)).",
  },
  compose: {
    title: "docker compose",
    intro:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: docker compose's syntax, shown as written
      "Substituted by `docker compose` in docker-compose.yml (`${NAME:-default}`); put them in the shell or an `.env` file next to it.",
  },
  internal: {
    title: "Set by bytelab or its tools",
    intro:
      "Read by the code, but set by Next.js, bytelab's own scripts or the test setup; not for users to set.",
  },
  tests: {
    title: "Tests",
    intro: "Read by the test suite (`npm test`).",
  },
  bench: {
    title: "Benchmarks",
    intro: "Read by `npm run bench` suites.",
  },
};

/**
 * Variables the code reads without an env schema, and descriptions for schema variables that have no doc
 * comment. `npm run docs:check` fails when code reads a variable that is neither in a schema nor here, and
 * when an entry here is no longer read anywhere.
 */
const NOTES: Record<string, Note> = {
  DATABASE_URL: {
    component: "web",
    default: "(required)",
    meaning:
      "Postgres: `postgres://user:pass@host:5432/db`. `npm start` sets it for the apps it starts (the embedded Postgres, or yours); the CLI's local mode reads it too.",
  },
  REDIS_URL: {
    component: "web",
    default: "(required)",
    meaning:
      "Redis 6.2+: `redis://host:6379` (`rediss://` for TLS). `npm start` sets it for the apps it starts; the CLI's local mode reads it too.",
  },
  HOSTNAME: {
    component: "web",
    default: "unset",
    meaning:
      "The address `next start` listens on when `BYTELAB_HOST` is unset (the Docker image sets `0.0.0.0`); decides the default auth mode like `BYTELAB_HOST`.",
  },
  BYTELAB_EXAMPLES_DIR: {
    component: "web",
    default: "`examples/` of the checkout",
    meaning: "Where the launch form's templates are read from (an image that ships the examples elsewhere).",
  },
  BYTELAB_NEXT_OUTPUT: {
    component: "web",
    default: "unset",
    meaning: "`standalone` builds the Next.js standalone server (the Docker image's web target).",
  },
  BYTELAB_HOME: {
    component: "data",
    default: "`<project>/.bytelab`",
    meaning:
      "Root of bytelab's local state. Datasets are cached in `$BYTELAB_HOME/datasets` (else `<project>/.bytelab/datasets`, else `~/.cache/bytelab/datasets`).",
  },
  BYTELAB_ENWIK8_URL: {
    component: "data",
    default: "http://mattmahoney.net/dc/enwik8.zip",
    meaning: "A mirror of the enwik8 zip; the pinned size and SHA-256 still apply.",
  },
  BYTELAB_TEXT8_URL: {
    component: "data",
    default: "http://mattmahoney.net/dc/text8.zip",
    meaning: "A mirror of the text8 zip; the pinned size still applies.",
  },
  BYTELAB_BACKEND: {
    component: "models",
    default: "best available",
    meaning:
      "TF.js backend: `tensorflow-gpu` (`@tensorflow/tfjs-node-gpu`: counts only when a GPU executes, verified by a timed matmul that must beat the CPU path), `webgpu` (`@tensorflow/tfjs-backend-webgpu` on Dawn: golden checks and property tests; never chosen by default, it cannot train), `tensorflow` (`@tensorflow/tfjs-node`), `wasm` or `cpu`. Unset: the first that starts of tensorflow-gpu, tensorflow, wasm, cpu. An explicit choice that cannot start is an error, never a silent fallback.",
  },
  BYTELAB_NATIVE: {
    component: "models",
    default: "on when built",
    meaning:
      "`0` (or `false`, `off`, `no`) keeps the wasm kernels even when bytelab's native CPU kernels are built (`npm run build:native`).",
  },
  BYTELAB_THREADS: {
    component: "models",
    default: "cores / `WORKER_SLOTS`",
    meaning: "Threads of the native CPU kernels per training process.",
  },
  BYTELAB_NATIVE_PATH: {
    component: "models",
    default: "packages/models/native/build/Release/bytelab_native.node",
    meaning: "Load the native kernels addon from this file instead.",
  },
  BYTELAB_S3_ENDPOINT: {
    component: "artifacts",
    default: "AWS",
    meaning:
      "S3 endpoint, e.g. `http://minio:9000` (MinIO and other S3-compatible stores); else `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`.",
  },
  AWS_ENDPOINT_URL_S3: {
    component: "artifacts",
    default: "unset",
    meaning: "S3 endpoint (after `BYTELAB_S3_ENDPOINT`).",
  },
  AWS_ENDPOINT_URL: {
    component: "artifacts",
    default: "unset",
    meaning: "S3 endpoint (after `AWS_ENDPOINT_URL_S3`).",
  },
  AWS_REGION: {
    component: "artifacts",
    default: "`us-east-1`",
    meaning: "S3 region (else `AWS_DEFAULT_REGION`).",
  },
  AWS_DEFAULT_REGION: {
    component: "artifacts",
    default: "`us-east-1`",
    meaning: "S3 region when `AWS_REGION` is unset.",
  },
  AWS_ACCESS_KEY_ID: {
    component: "artifacts",
    default: "the AWS SDK's chain",
    meaning:
      "S3 credentials (with `AWS_SECRET_ACCESS_KEY`); without both, the SDK's usual chain (profile, instance role).",
  },
  AWS_SECRET_ACCESS_KEY: {
    component: "artifacts",
    default: "the AWS SDK's chain",
    meaning: "See `AWS_ACCESS_KEY_ID`.",
  },
  BYTELAB_API_URL: {
    component: "cli",
    default: "unset (local mode)",
    meaning:
      "A bytelab server: the CLI talks to its REST API (remote mode) instead of Postgres and Redis. Same as `--api`.",
  },
  BYTELAB_TOKEN: {
    component: "cli",
    default: "unset",
    meaning: "API key sent as `Authorization: Bearer` in remote mode. Same as `--token`.",
  },
  BYTELAB_CHROMIUM: {
    component: "cli",
    default: "/usr/bin/chromium",
    meaning: "Chromium binary for `bytelab report --png`.",
  },
  NO_COLOR: {
    component: "cli",
    default: "unset",
    meaning: "Set (any value): no ANSI colours (`bytelab sample --show-boundaries`, `npm start`'s log).",
  },
  BYTELAB_CLI: {
    component: "gate",
    default: "`npx --no-install bytelab`",
    meaning: "How gate.sh runs the CLI.",
  },
  GITHUB_SHA: {
    component: "gate",
    default: "set by GitHub Actions",
    meaning:
      "The commit judged: part of the Idempotency-Key (then `CI_COMMIT_SHA`, then `git rev-parse HEAD`).",
  },
  CI_COMMIT_SHA: {
    component: "gate",
    default: "set by GitLab CI",
    meaning: "The commit judged, when `GITHUB_SHA` is unset.",
  },
  POSTGRES_PASSWORD: {
    component: "compose",
    default: "",
    meaning: "Password of the compose Postgres (user and database `bytelab`).",
  },
  MINIO_ROOT_USER: {
    component: "compose",
    default: "",
    meaning: "MinIO's root user, also the workers' `AWS_ACCESS_KEY_ID`.",
  },
  MINIO_ROOT_PASSWORD: {
    component: "compose",
    default: "",
    meaning: "MinIO's root password, also the workers' `AWS_SECRET_ACCESS_KEY`.",
  },
  BYTELAB_MINIO_CONSOLE_PORT: {
    component: "compose",
    default: "",
    meaning: "Host port of the MinIO console.",
  },
  BYTELAB_WEB_PORT: { component: "compose", default: "", meaning: "Host port of the dashboard and API." },
  WORKER_SLOTS: {
    component: "compose",
    default: "",
    meaning: "Passed to the worker container (empty: one slot per core, at most one per 2 GiB of memory).",
  },
  WORKER_GPU_SLOTS: {
    component: "compose",
    default: "",
    meaning:
      "`WORKER_SLOTS` of the `worker-gpu` container (profile `gpu`; empty: one slot per GPU whose probe ran on the GPU).",
  },
  NEXT_RUNTIME: {
    component: "internal",
    default: "set by Next.js",
    meaning: "`nodejs` or `edge`: instrumentation.ts loads server code only for `nodejs`.",
  },
  PRISMA_SCHEMA_ENGINE_BINARY: {
    component: "internal",
    default: "set by `npm run db:generate`",
    meaning: "Points Prisma's generator at a stub so it never downloads a schema engine.",
  },
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: {
    component: "internal",
    default: "set to `true` by packages/artifacts",
    meaning: "Silences the AWS SDK's Node.js version warning.",
  },
  CC: {
    component: "internal",
    default: "`cc`, `gcc`, `clang`",
    meaning: "C compiler `npm run build:native` tries first.",
  },
  BYTELAB_PG_PORT: {
    component: "start",
    default: "",
    prefix: true,
    meaning: "Port of the embedded Postgres (not used with `DATABASE_URL`).",
  },
  BYTELAB_REDIS_PORT: {
    component: "start",
    default: "",
    meaning: "Port of the `redis-server` `npm start` launches (not used with `REDIS_URL`).",
  },
  BYTELAB_REDIS_BIN: {
    component: "start",
    default: "",
    meaning: "The Redis server binary `npm start` launches (Redis 6.2+).",
  },
  BYTELAB_MAX_SWEEP_STEPS: {
    component: "web",
    default: "",
    meaning: "Most optimizer steps, summed over its runs, of one spec submitted over the API.",
  },
  BYTELAB_MAX_SWEEP_FLOPS: {
    component: "web",
    default: "",
    meaning: "Most training FLOPs, summed over its runs, of one spec submitted over the API.",
  },
  BYTELAB_SYSTEM_DIR: {
    component: "start",
    default: "`/var/lib/bytelab`",
    meaning:
      "Run as root, the embedded Postgres runs as the `postgres` OS user: when that user cannot reach the clone (inside a private folder such as /root), its binaries and data folder are kept here instead (`npm start` prints where).",
  },
  NODE_ENV: {
    component: "tests",
    default: "set by the test helpers",
    meaning: "`production` for the web app servers the tests start.",
  },
  CI: {
    component: "tests",
    default: "unset",
    meaning:
      "Set by CI systems. The webgpu tests (packages/models/test/backends) then fail instead of skipping when SwiftShader's Vulkan driver is missing (Debian: `apt-get install chromium`).",
  },
  LD_LIBRARY_PATH: {
    component: "tests",
    default: "system",
    meaning:
      "The webgpu tests prepend SwiftShader's folder (with `VK_ICD_FILENAMES` pointing at its `vk_swiftshader_icd.json`) so that Dawn runs WebGPU on the CPU.",
  },
  PATH: {
    component: "tests",
    default: "system",
    meaning:
      "The doctor and worker tests put a fake `nvidia-smi` first on it to play a host with an NVIDIA driver.",
  },
  BYTELAB_TEST_VERBOSE: {
    component: "tests",
    default: "unset",
    meaning: "`1` prints the logs of the workers and servers tests start.",
  },
  BYTELAB_SKIP_WEB_BUILD: {
    component: "tests",
    default: "unset",
    meaning: "`1` skips building the web app in the test setup (for runs of tests that need no web app).",
  },
  BYTELAB_GOLDEN_DIR: {
    component: "tests",
    default: "`../shared/golden`",
    meaning:
      "Extra golden fixtures the conformance tests check when the folder exists; the public set in `packages/models/test/fixtures/golden` always runs.",
  },
  BYTELAB_REQUIRE_NATIVE: {
    component: "tests",
    default: "unset",
    meaning: "`1`: the native-kernel tests fail instead of skipping when the addon is not built (CI).",
  },
  BYTELAB_TEST_PG_ADMIN_URL: {
    component: "tests",
    default: "set by the test setup",
    meaning: "Admin URL of the throwaway Postgres the test setup starts.",
  },
  BYTELAB_TEST_REDIS_URL: {
    component: "tests",
    default: "set by the test setup",
    meaning: "URL of the throwaway Redis the test setup starts.",
  },
  BYTELAB_FUZZ_SEED: {
    component: "tests",
    default: "time-based",
    meaning: "Seed of the API fuzz test (printed by each run, to replay it).",
  },
  BYTELAB_FUZZ_RUNS: {
    component: "tests",
    default: "`250`",
    meaning: "Cases per property of the API fuzz test.",
  },
  BYTELAB_DEV: {
    component: "start",
    default: "unset",
    meaning: "`1` runs `next dev` instead of the production build.",
  },
  BYTELAB_BENCH_API_SECONDS: {
    component: "bench",
    default: "`60`",
    meaning: "Length of each phase of the `api` benchmark.",
  },
  BYTELAB_PROFILE_CASES: {
    component: "bench",
    default: "all",
    meaning: "Comma-separated cases of the `profile` benchmark.",
  },
  BYTELAB_PROFILE_PATHS: {
    component: "bench",
    default: "`wasm,native`",
    meaning: "Kernel paths the `profile` benchmark compares.",
  },
  BYTELAB_TORCH_PYTHON: {
    component: "bench",
    default: "`python3`",
    meaning: "Python with PyTorch 2.x for `vs-torch` (bench/anchors/README.md).",
  },
  BYTELAB_VS_TORCH_ROUNDS: {
    component: "bench",
    default: "`2`",
    meaning: "Interleaved rounds of `vs-torch`.",
  },
  BYTELAB_VS_TORCH_PARTS: {
    component: "bench",
    default: "`torch,arch,slots`",
    meaning: "Sections of `vs-torch`.",
  },
  BYTELAB_VS_TORCH_QUICK: {
    component: "bench",
    default: "unset",
    meaning: "`1`: a few steps each (a smoke test).",
  },
  BYTELAB_CHAOS_MINUTES: {
    component: "bench",
    default: "`10`",
    meaning: "Length of the `chaos` soak (e.g. 2 for a quick look).",
  },
};

interface SchemaSource {
  component: Component;
  file: string;
  schema: z.ZodType;
}

const SCHEMAS: SchemaSource[] = [
  { component: "start", file: "scripts/start/config.ts", schema: startEnvSchema },
  { component: "web", file: "apps/web/src/lib/env.ts", schema: serverEnvSchema },
  { component: "web", file: "apps/web/src/lib/env.ts", schema: apiEnvSchema },
  { component: "worker", file: "workers/trainer/src/env.ts", schema: WorkerEnvSchema },
  { component: "data", file: "packages/data/src/env.ts", schema: dataEnvSchema },
];

/** Source files whose env reads are listed: everything tracked or new, but generated code and fixtures. */
function sourceFiles(): string[] {
  const git = (args: string[]) =>
    execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
  const files = new Set([...git(["ls-files"]), ...git(["ls-files", "--others", "--exclude-standard"])]);
  return [...files]
    .filter((f) => /\.(ts|tsx|mts|js|mjs|cjs)$/.test(f))
    .filter((f) => /^(packages|apps|workers|scripts|bench|tests)\//.test(f) || !f.includes("/"))
    .filter(
      (f) => !/(^|\/)(node_modules|\.next|generated|fixtures)\//.test(f) && !f.startsWith("scripts/docs/"),
    )
    .sort();
}

const READ_PATTERNS = [
  /process\.env\.([A-Z][A-Z0-9_]+)/g,
  /process\.env\[\s*["'`]([A-Z][A-Z0-9_]+)["'`]\s*\]/g,
  /\b[eE]nv\??\.([A-Z][A-Z0-9_]{2,})\b/g,
];

/** Every environment variable the code reads, with the files that read it. */
export function envReads(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  const add = (name: string, file: string) => {
    const list = reads.get(name) ?? [];
    if (!list.includes(file)) list.push(file);
    reads.set(name, list);
  };
  for (const file of sourceFiles()) {
    let text: string;
    try {
      text = readFileSync(join(REPO_ROOT, file), "utf8");
    } catch {
      continue; // listed by git but deleted in the work tree
    }
    for (const pattern of READ_PATTERNS) for (const m of text.matchAll(pattern)) add(m[1]!, file);
  }
  const gate = readFileSync(join(REPO_ROOT, "docs/ci/gate.sh"), "utf8");
  for (const m of gate.matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)) add(m[1]!, "docs/ci/gate.sh");
  const compose = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");
  for (const m of compose.matchAll(/\$\{([A-Z][A-Z0-9_]+)(?::?-([^}]*))?\}/g))
    add(m[1]!, "docker-compose.yml");
  return reads;
}

/** `${NAME:-default}` defaults of docker-compose.yml. */
function composeDefaults(): Map<string, string> {
  const compose = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");
  const out = new Map<string, string>();
  for (const m of compose.matchAll(/\$\{([A-Z][A-Z0-9_]+):-([^}]*)\}/g)) out.set(m[1]!, m[2]!);
  return out;
}

interface Row {
  name: string;
  default: string;
  meaning: string;
}

/**
 * What `docs:check` reports: variables read but undocumented (problems: the check fails), and notes that no
 * code reads any more (warnings: a variable may be documented before the code that reads it is committed).
 */
export function envProblems(): { problems: string[]; warnings: string[] } {
  const reads = envReads();
  const inSchemas = new Set(SCHEMAS.flatMap((s) => Object.keys(zodToJsonSchema(s.schema).properties ?? {})));
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [name, files] of reads)
    if (!inSchemas.has(name) && !NOTES[name])
      problems.push(
        `${name} is read by ${files.join(", ")} but documented nowhere: add it to an env schema (with a doc comment) or to NOTES in scripts/docs/lib/env-ref.ts`,
      );
  for (const name of Object.keys(NOTES))
    if (!reads.has(name) && !inSchemas.has(name))
      warnings.push(
        `${name} is documented in scripts/docs/lib/env-ref.ts NOTES but no code reads it: remove it`,
      );
  return { problems, warnings };
}

/** docs/reference/env.md: every environment variable the code reads, by component. */
export function renderEnvReference(): string {
  const rows = new Map<Component, Map<string, Row>>();
  const put = (component: Component, row: Row) => {
    const section = rows.get(component) ?? new Map<string, Row>();
    if (!section.has(row.name)) section.set(row.name, row);
    rows.set(component, section);
  };
  for (const source of SCHEMAS) {
    const json = zodToJsonSchema(source.schema, buildDocIndex([source.file]));
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const note = NOTES[name];
      const fallback = (note?.default ?? "").replace(/^\(required\)$/, "");
      const required = (json.required ?? []).includes(name);
      put(source.component, {
        name,
        default:
          prop.default !== undefined
            ? jsonCode(prop.default)
            : required
              ? "**required**"
              : fallback || "unset",
        meaning:
          note?.prefix && prop.description
            ? `${note.meaning} ${prop.description}`
            : (prop.description ?? note?.meaning ?? ""),
      });
    }
  }
  const compose = composeDefaults();
  for (const [name, note] of Object.entries(NOTES)) {
    const composeDefault = compose.get(name);
    put(note.component, {
      name,
      default:
        composeDefault !== undefined ? (composeDefault ? code(composeDefault) : "empty") : note.default,
      meaning: note.meaning,
    });
  }
  const out: string[] = [
    generatedHeader(
      "the env schemas (scripts/start/config.ts, apps/web/src/lib/env.ts, workers/trainer/src/env.ts, packages/data/src/env.ts), the variables the code reads (`process.env.X`, `env.X`) and the notes in scripts/docs/lib/env-ref.ts",
    ),
    "",
    "# Environment variables",
    "",
    "Every variable any bytelab code reads, by the part that reads it. A variable read by several parts is listed under each (the web app and the worker both need `DATABASE_URL`). `npm run docs:check` fails when code starts reading a variable this page does not list.",
    "",
    `Index: ${[...new Set([...rows.values()].flatMap((m) => [...m.keys()]))]
      .sort()
      .map((n) => code(n))
      .join(", ")}.`,
    "",
  ];
  for (const [component, info] of Object.entries(COMPONENTS) as Array<
    [Component, (typeof COMPONENTS)[Component]]
  >) {
    const section = rows.get(component);
    if (!section?.size) continue;
    out.push(`## ${info.title}`, "", info.intro, "");
    out.push(
      table(
        ["variable", "default", "meaning"],
        [...section.values()].map((r) => [code(r.name), r.default, cell(r.meaning)]),
      ),
      "",
    );
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
