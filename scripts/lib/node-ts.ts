// Runs a TypeScript entry point as ONE node process (tsx as an --import loader), so that signals
// sent to the child (SIGTERM, SIGKILL) reach the program itself, not a wrapper that outlives it.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** `[command, args]` for `spawn`: node --import <tsx loader> <file> ...args. */
export function nodeTs(file: string, args: string[] = []): [string, string[]] {
  const loader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return [process.execPath, ['--import', loader, join(repoRoot, file), ...args]];
}
