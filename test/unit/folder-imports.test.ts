// No two areas of src/ import each other, by value or by type: each pair has one direction (writes
// use connections, connections never name writes), so an area can be read, tested and changed
// knowing only what lies below it, and a module load never runs in a circle between two. Types
// count too: a type one area borrows from another ties them as much as a value (workflow code takes
// the activity contracts from the area that implements them, `activity-contract.ts`; a type needed
// by both lives in the lower one, or the lower one states what it needs as its own interface).
// An area is a top-level folder of src/ (a file directly in src/ is one on its own).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directImports, repoRoot } from '../support/import-graph.js';

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(repoRoot, path)).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** `src/writes/workflow/catalog.ts` → `writes`; `src/worker.ts` → `worker`. */
const areaOf = (file: string) => relative('src', file).split('/')[0]!.replace(/\.ts$/, '');

/** Each area pair that imports the other way too, with one import of each direction as the example. */
function twoWayPairs(imports: [from: string, to: string][]): string[] {
  const example = new Map<string, string>();
  for (const [file, target] of imports) {
    const [from, to] = [areaOf(file), areaOf(target)];
    if (from !== to && target.startsWith('src/')) example.set(`${from} -> ${to}`, `${file} -> ${target}`);
  }
  return [...example.keys()].flatMap((edge) => {
    const [from, to] = edge.split(' -> ') as [string, string];
    const back = example.get(`${to} -> ${from}`);
    return from < to && back ? [`${edge}: ${example.get(edge)} and ${back}`] : [];
  });
}

const importsOfSrc = (opts: { types?: boolean } = {}) =>
  sourcesUnder('src').flatMap((file) => directImports(file, opts).map((target): [string, string] => [file, target]));

describe('folder imports', () => {
  it('no two areas of src/ import each other by value', () => {
    expect(sourcesUnder('src').length).toBeGreaterThan(100);
    expect(twoWayPairs(importsOfSrc())).toEqual([]);
  });

  it('counting type-only imports too, no two areas of src/ import each other', () => {
    expect(twoWayPairs(importsOfSrc({ types: true }))).toEqual([]);
  });

  it('a pair that imports both ways is found, whatever the depth of its modules', () => {
    const imports: [string, string][] = [
      ['src/config/settings.ts', 'src/codec/encryption-codec.ts'],
      ['src/codec/workflow/x.ts', 'src/config/loopback.ts'],
      ['src/writes/workflow/engine/steps.ts', 'src/failures/workflow/failure-types.ts'],
    ];
    expect(twoWayPairs(imports)).toEqual([
      'codec -> config: src/codec/workflow/x.ts -> src/config/loopback.ts and src/config/settings.ts -> src/codec/encryption-codec.ts',
    ]);
  });
});
