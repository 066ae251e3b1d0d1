# syntax=docker/dockerfile:1
# bytelab images, one Dockerfile with two final targets (docker-compose.yml builds both):
#   web     the Next.js standalone server (dashboard + REST API), ~200 MB, no dev dependencies
#   worker  the trainer worker (TypeScript run by tsx, no build step); also runs the migrations
# By hand: docker build --target web -t bytelab-web .   /   docker build --target worker -t bytelab-worker .

ARG NODE_IMAGE=node:20-bookworm-slim

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

FROM source AS worker
ENV NODE_ENV=production \
    BYTELAB_HOME=/data
# /data: checkpoints and other run files (a volume in docker-compose.yml), owned by the runtime user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
CMD ["node", "--import", "tsx", "workers/trainer/src/main.ts"]
