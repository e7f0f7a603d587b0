# syntax=docker/dockerfile:1
# Two images from one file: the worker (the default, last stage) and the Makini sandbox
# (`--target sandbox`, the `sandbox` service of docker-compose.yml). The sandbox is a test double:
# it lives outside src/ and never enters the worker image.
#
# The worker runs compiled JavaScript: the `build` stage compiles src/ into dist/ (`npm run build`,
# tsconfig.build.json) with the dev dependencies, and the worker image holds dist/, the built-in
# profiles and the production dependencies only, no TypeScript source. The Temporal SDK bundles
# dist/workflows/index.js when the worker starts. tsx and esbuild are dev dependencies: the worker
# image has neither. The sandbox (a test double) runs its TypeScript sources with tsx, so it takes
# the build stage's node_modules, dev dependencies included.
#
# Every stage starts from one image pinned to an exact version (the node the tests run with); no
# registry was reachable where this was written, so no digest is pinned: README.md (Docker
# Compose) says how to add one.
#
# NOT YET BUILT: the machine this was written on has no Docker engine (see deploy/README.md).

FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile carries every platform's native binaries (@swc; esbuild for the build stage), so this works on amd64 and arm64.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# With the dev dependencies (TypeScript, @types/node): they stay in this stage.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./

FROM runtime AS sandbox
# With the dev dependencies: the sandbox runs under tsx.
COPY --from=build /app/node_modules ./node_modules
# The sandbox, its entry point and demo connections, the sources it loads (it serves the client's
# own paths), and Makini's published platform rules.
COPY src ./src
COPY sandbox ./sandbox
COPY data ./data
COPY scripts/sandbox.ts ./scripts/sandbox.ts
COPY scripts/lib/demo-connections.ts ./scripts/lib/demo-connections.ts
USER node
CMD ["node", "--import", "tsx", "scripts/sandbox.ts"]

FROM runtime AS worker
# Production dependencies only (no tsx, no esbuild, no compiler).
COPY --from=deps /app/node_modules ./node_modules
# The compiled worker and workflows, and the built-in write profiles (dist/profiles/ reads ../../profiles).
COPY --from=build /app/dist ./dist
COPY profiles ./profiles
# Files stay root-owned and read-only to the process: the worker writes only OAuth token files,
# in their own directory (a volume shared by the replicas in docker-compose.yml).
RUN mkdir -p /var/lib/makini-writes/tokens && chown node:node /var/lib/makini-writes/tokens && chmod 700 /var/lib/makini-writes/tokens
USER node
# Prometheus endpoint when METRICS_PORT=9464 (the compose file sets it).
EXPOSE 9464
# node itself as PID 1's command (no wrapper), so SIGTERM reaches the worker, which stops polling
# and lets in-flight activities finish (WORKER_SHUTDOWN_GRACE_MS).
CMD ["node", "dist/worker.js"]
