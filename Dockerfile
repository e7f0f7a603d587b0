# syntax=docker/dockerfile:1
# Two images from one file: the worker (the default, last stage) and the Makini sandbox
# (`--target sandbox`, the `sandbox` service of docker-compose.yml). The sandbox is a test double:
# it lives outside src/ and never enters the worker image.
#
# The worker runs compiled JavaScript: the `build` stage compiles src/ into dist/ (`npm run build`,
# tsconfig.build.json) with the dev dependencies, and the worker image holds dist/, the built-in
# profiles and the production dependencies only, no TypeScript source. The Temporal SDK bundles
# dist/workflows/index.js when the worker starts. The sandbox runs its TypeScript sources with tsx
# (a runtime dependency, so `npm ci --omit=dev` keeps it).
#
# NOT YET BUILT: the machine this was written on has no Docker engine (see deploy/README.md).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile carries every platform's @swc/esbuild binaries, so this works on amd64 and arm64.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# With the dev dependencies (TypeScript, @types/node): they stay in this stage.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./

FROM runtime AS sandbox
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
