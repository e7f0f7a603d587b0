#!/usr/bin/env node
// `makini-writes` bin. Installed from the package (no src/ beside it): the compiled CLI
// (dist/cli/main.js) in this very process, plain node. In a clone: the TypeScript CLI, always
// current, in one node process with tsx as a loader (signals reach it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
if (existsSync(source)) {
  const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsxLoader, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
} else {
  // The CLI reads process.argv.slice(2) and exits itself.
  await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
}
