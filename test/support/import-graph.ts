// The module graph as the workflow bundler sees it: relative imports by value (type-only imports
// are erased), paths relative to the repository root with `.ts` extensions. One parser for every
// test that reasons about which modules the workflow bundle loads.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** The relative value imports of one module; with `types`, its type-only imports too. */
export function directImports(file: string, opts: { types?: boolean } = {}): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  // `import ... from './x.js'`, `export ... from './x.js'`, and the side-effect `import './x.js'`.
  return [...text.matchAll(/^(?:(?:import|export)\s+(type\s+)?[^;]*?from\s*|import\s+)'(\.{1,2}\/[^']+)'/gms)]
    .filter((m) => opts.types || !m[1])
    .map((m) => relative(repoRoot, resolve(repoRoot, dirname(file), m[2]!)).replace(/\.js$/, '.ts'));
}

/** Every module the graph from `entry` loads by value, `entry` included. */
export function valueImports(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const dep of directImports(entry)) valueImports(dep, seen);
  return seen;
}
