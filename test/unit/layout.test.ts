// The layout stays as the README's "Layout" section says, and the lint guard on workflow code
// covers every module the workflow bundle loads (a new workflow file outside its patterns would
// escape the no-Node-built-ins rule).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { valueImports } from '../support/import-graph.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const layoutSection = /## Layout\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const namedFolders = [...layoutSection.matchAll(/^\| `([^`]+)\/` \|/gm)].map((m) => m[1]!);

function foldersUnder(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((name) => statSync(join(root, dir, name)).isDirectory())
    .flatMap((name) => [`${dir}/${name}`, ...foldersUnder(`${dir}/${name}`)]);
}

describe('layout', () => {
  it('the README names folders, one line each', () => {
    expect(namedFolders.length).toBeGreaterThan(10);
    expect(new Set(namedFolders).size).toBe(namedFolders.length);
  });

  it('every folder the README names exists', () => {
    for (const folder of namedFolders) expect(statSync(join(root, folder), { throwIfNoEntry: false })?.isDirectory(), folder).toBe(true);
  });

  it('every folder under src/ is named in the README', () => {
    const missing = foldersUnder('src').filter((f) => !namedFolders.includes(f));
    expect(missing).toEqual([]);
  });

  it('the lint guard on workflow code covers every module the workflow bundle loads', async () => {
    const eslint = new ESLint({ cwd: root });
    const bundle = [...valueImports('src/workflows/index.ts'), ...valueImports('src/workflows/shared-modules.ts')];
    expect(bundle.length).toBeGreaterThan(20);
    const unguarded: string[] = [];
    for (const file of bundle) {
      const config = (await eslint.calculateConfigForFile(join(root, file))) as { rules?: Record<string, unknown> };
      const rule = config.rules?.['no-restricted-imports'] as [number | string, ...unknown[]] | undefined;
      if (!rule || rule[0] === 0 || rule[0] === 'off') unguarded.push(file);
    }
    expect(unguarded).toEqual([]);
  });
});
