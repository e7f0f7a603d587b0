#!/usr/bin/env node
// Entry point of every npm script that must work on a fresh clone: installs what is missing
// (node_modules, then the Temporal CLI inside the TypeScript scripts), then runs the command.
// Plain JavaScript on purpose: it runs before any dependency exists.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...rest] = process.argv.slice(2);
const commands = {
  start: 'scripts/start.ts',
  test: 'scripts/test.ts',
  sandbox: 'scripts/sandbox.ts',
  'dev-server': 'scripts/dev-server.ts',
  bench: 'bench/run.ts',
  chaos: 'bench/chaos.ts',
  cluster: 'scripts/cluster.ts',
};

// tsx is a dev dependency (the worker image and the installed package run compiled code): a
// node_modules installed without dev dependencies lacks it, and is installed again.
const tsxLoaderPath = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');

function needsInstall() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker) || !existsSync(tsxLoaderPath)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs + 1000;
}

if (!commands[command]) {
  console.error(`unknown command "${command}"; expected one of ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
if (needsInstall()) {
  console.log('[makini-writes] installing npm dependencies, dev dependencies included (npm ci --include=dev)...');
  // --include=dev: also under NODE_ENV=production or omit=dev, which would leave tsx out.
  const r = spawnSync('npm', ['ci', '--include=dev', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// One node process with tsx as a loader (not the tsx CLI, which would sit between us and it).
const tsxLoader = pathToFileURL(tsxLoaderPath).href;
const child = spawn(process.execPath, ['--import', tsxLoader, commands[command], ...rest], { cwd: root, stdio: 'inherit' });
// Forward Ctrl-C / SIGTERM once; the child shuts its services down cleanly.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
