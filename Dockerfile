# syntax=docker/dockerfile:1
# bytelab images, one Dockerfile with three final targets (docker-compose.yml builds them):
#   web         the Next.js standalone server (dashboard + REST API), ~200 MB, no dev dependencies
#   worker      the CPU trainer worker (TypeScript run by tsx, no build step); also runs the migrations. Lean:
#               production dependencies of the packages only (no Next.js, Biome, Playwright, embedded Postgres,
#               Vitest), trains on wasm with bytelab's native kernels when they build
#   worker-gpu  the same worker on CUDA 11.2 + cuDNN 8 with @tensorflow/tfjs-node-gpu's libtensorflow 2.9.1
#               installed (its install script downloads it: the build needs internet). Runs on any NVIDIA driver
#               that supports CUDA >= 11.2, CUDA 12 hosts included; needs the NVIDIA Container Toolkit
# By hand: docker build --target web -t bytelab-web .   /   docker build --target worker -t bytelab-worker .
#          docker build --target worker-gpu -t bytelab-worker-gpu .

ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

FROM ${NODE_IMAGE} AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1
WORKDIR /app

# Only the package manifests and the lockfile, so the dependency layer below stays cached until one of
# them changes (any source edit would otherwise reinstall everything).
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && cp package.json package-lock.json /manifests/ \
 && find apps packages workers -name package.json -not -path "*/node_modules/*" -exec cp --parents {} /manifests/ \;

FROM base AS deps
COPY --from=manifests /manifests/ ./
# No install scripts: nothing bytelab needs has one that matters (esbuild, sharp and msgpackr use their
# prebuilt optional packages), and some (Prisma engines, embedded Postgres) would download or unpack
# things the images do not use.
# `npm install` rather than `npm ci`: the lock file lacks vite's Windows-only optional dependency
# napi-windows-process-start-time (unavailable where the lock was made), which `npm ci` treats as out of sync.
RUN npm install --ignore-scripts --no-audit --no-fund

FROM deps AS source
COPY . .
# The Prisma client is generated, never committed (packages/db/src/generate.ts works offline).
RUN node --import tsx packages/db/src/cli/generate.ts

FROM source AS web-build
RUN cd apps/web && BYTELAB_NEXT_OUTPUT=standalone node /app/node_modules/next/dist/bin/next build

FROM base AS web
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=3000
# The standalone folder holds server.js and the traced node_modules it needs; static assets are copied
# next to it (Next leaves that to the deployer).
COPY --from=web-build --chown=node:node /app/apps/web/.next/standalone ./
COPY --from=web-build --chown=node:node /app/apps/web/.next/static ./apps/web/.next/static
# The launch form offers the example specs as templates.
COPY --from=source --chown=node:node /app/examples ./examples
ENV BYTELAB_EXAMPLES_DIR=/app/examples
USER node
EXPOSE 3000
CMD ["node", "apps/web/server.js"]

# The worker's dependencies: production ones, without the dashboard's (apps/web: Next.js, React) and without
# the root dev tools (Biome, Vitest, embedded Postgres, turbo). The optional native TF.js packages' install
# scripts do not run here (--ignore-scripts; package.json denies them anyway): the CPU worker trains on wasm.
# playwright-core comes with the CLI (`bytelab report --png`), which a worker does not run; Dawn (npm webgpu)
# ships binaries for five platforms, of which the image needs its own.
FROM base AS worker-deps
COPY --from=manifests /manifests/ ./
RUN rm -rf apps/web \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/playwright-core \
 && find node_modules/webgpu/dist -mindepth 1 -maxdepth 1 -not -name "linux-$(node -p 'process.arch')" -exec rm -rf {} +

# Sources (without node_modules: .dockerignore) and the Prisma client generated in `source`.
FROM base AS worker-app
COPY --from=worker-deps /app/node_modules ./node_modules
COPY . .
RUN rm -rf apps/web
COPY --from=source /app/packages/db/src/generated ./packages/db/src/generated

FROM worker-app AS worker
ENV NODE_ENV=production \
    BYTELAB_HOME=/data
# /data: checkpoints and other run files (a volume in docker-compose.yml), owned by the runtime user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
CMD ["node", "--import", "tsx", "workers/trainer/src/main.ts"]

# GPU worker: CUDA 11.2 + cuDNN 8.1 runtime (what libtensorflow 2.9.1, loaded by tfjs-node-gpu 4.22, was built
# for), Node from the official image, and tfjs-node-gpu's install script run (it downloads libtensorflow's GPU
# build and the prebuilt binding: the same command `bytelab doctor` prints). The worker verifies each GPU at
# start (a probe process pinned to it must run on the GPU, faster than the CPU path) and gives one slot per GPU
# that works; runs record the device that really ran.
FROM ${CUDA_IMAGE} AS worker-gpu
COPY --from=base /usr/local/bin/node /usr/local/bin/node
COPY --from=base /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
WORKDIR /app
COPY --from=worker-app /app ./
# No GPU while building: check that the binding is there; the worker checks the GPU when it starts.
RUN npm rebuild @tensorflow/tfjs-node-gpu --dangerously-allow-all-scripts \
 && ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node \
 && rm -rf /root/.npm
ENV NODE_ENV=production \
    BYTELAB_HOME=/data \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
CMD ["node", "--import", "tsx", "workers/trainer/src/main.ts"]
