# syntax=docker/dockerfile:1
# The makini-writes worker image. The same image runs the Makini sandbox with another command
# (see the `sandbox` service of docker-compose.yml).
#
# The TypeScript sources run as they are, with tsx as a loader (tsx is a runtime dependency, so
# `npm ci --omit=dev` keeps it), and the Temporal SDK bundles src/workflows/ when the worker
# starts: there is no build step, and the image holds sources, not a dist/ folder.
#
# NOT YET BUILT: the machine this was written on has no Docker engine (see deploy/README.md).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile carries every platform's @swc/esbuild binaries, so this works on amd64 and arm64.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
# What the worker reads at run time: its sources (workflows are bundled from src/workflows/),
# the built-in write profiles, and the sandbox's platform rules.
COPY src ./src
COPY profiles ./profiles
COPY data ./data
# The sandbox entry point and its demo connections.
COPY scripts/sandbox.ts ./scripts/sandbox.ts
COPY scripts/lib/demo-connections.ts ./scripts/lib/demo-connections.ts
# Files stay root-owned and read-only to the process: the worker needs no write access except
# the OS temp dir (tsx's transform cache).
USER node
# Prometheus endpoint when METRICS_PORT=9464 (the compose file sets it).
EXPOSE 9464
# One node process with tsx as a loader (not the tsx CLI), so SIGTERM reaches the worker, which
# stops polling and lets in-flight activities finish (WORKER_SHUTDOWN_GRACE_MS).
CMD ["node", "--import", "tsx", "src/worker.ts"]
