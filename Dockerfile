# syntax=docker/dockerfile:1
# Two images from one file: the worker (the default, last stage) and the Makini sandbox
# (`--target sandbox`, the `sandbox` service of docker-compose.yml). The sandbox is a test double:
# it lives outside src/ and never enters the worker image.
#
# The TypeScript sources run as they are, with tsx as a loader (tsx is a runtime dependency, so
# `npm ci --omit=dev` keeps it), and the Temporal SDK bundles src/worker/workflows.ts when the worker
# starts: there is no build step, and the image holds sources, not a dist/ folder.
#
# NOT YET BUILT: the machine this was written on has no Docker engine (see deploy/README.md).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile carries every platform's @swc/esbuild binaries, so this works on amd64 and arm64.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
# Sources the worker and the sandbox both load (the sandbox serves the client's own paths).
COPY src ./src

FROM runtime AS sandbox
# The sandbox, its entry point and demo connections, and Makini's published platform rules.
COPY sandbox ./sandbox
COPY data ./data
COPY scripts/sandbox.ts ./scripts/sandbox.ts
COPY scripts/lib/demo-connections.ts ./scripts/lib/demo-connections.ts
USER node
CMD ["node", "--import", "tsx", "scripts/sandbox.ts"]

FROM runtime AS worker
# The built-in write profiles (workflows are bundled from src/worker/workflows.ts).
COPY profiles ./profiles
# Files stay root-owned and read-only to the process: the worker needs no write access except
# the OS temp dir (tsx's transform cache).
USER node
# Prometheus endpoint when METRICS_PORT=9464 (the compose file sets it).
EXPOSE 9464
# One node process with tsx as a loader (not the tsx CLI), so SIGTERM reaches the worker, which
# stops polling and lets in-flight activities finish (WORKER_SHUTDOWN_GRACE_MS).
CMD ["node", "--import", "tsx", "src/worker/main.ts"]
