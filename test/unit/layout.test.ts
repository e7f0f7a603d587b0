// The layout stays as the README's "Layout" section says (src/ and the test layers of test/, which
// its "Tests" section describes), and the workflow boundary is a folder
// boundary: the modules the workflow bundle loads are exactly those of src/workflows/ and of the
// `workflow/` folders, which the lint guard covers (a workflow module elsewhere would escape the
// no-Node-built-ins rule; a Node module the bundle reaches would fail here).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter.js';
import { FAILURE_LABEL_WORKFLOW_MODULE } from '../../src/observability/tracing.js';
import { repoRoot, valueImports } from '../support/import-graph.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const layoutSection = /## Layout\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const namedFolders = [...layoutSection.matchAll(/^\| `([^`]+)\/` \|/gm)].map((m) => m[1]!);
const testsSection = /## Tests\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';

/** Every module the workflow bundle loads: from its entry, its shared modules, and the modules the worker bundles by path. */
const bundle = [
  'src/workflows/index.ts',
  'src/workflows/shared-modules.ts',
  relative(repoRoot, FAILURE_CONVERTER_PATH),
  relative(repoRoot, FAILURE_LABEL_WORKFLOW_MODULE),
].flatMap((entry) => [...valueImports(entry)]);

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

  it('every folder of test/ is named in the Layout, and each test layer in the Tests section', () => {
    const testFolders = readdirSync(join(root, 'test'))
      .filter((name) => statSync(join(root, 'test', name)).isDirectory())
      .map((name) => `test/${name}`);
    expect(testFolders.filter((f) => !namedFolders.includes(f))).toEqual([]);
    const withTests = testFolders.filter((f) => readdirSync(join(root, f)).some((name) => name.endsWith('.test.ts')));
    expect(withTests.filter((f) => !testsSection.includes(`\`${f}/\``))).toEqual([]);
  });

  it('the lint guard on workflow code covers every module the workflow bundle loads', async () => {
    const eslint = new ESLint({ cwd: root });
    const unguarded: string[] = [];
    for (const file of bundle) {
      const config = (await eslint.calculateConfigForFile(join(root, file))) as { rules?: Record<string, unknown> };
      const rule = config.rules?.['no-restricted-imports'] as [number | string, ...unknown[]] | undefined;
      if (!rule || rule[0] === 0 || rule[0] === 'off') unguarded.push(file);
    }
    expect(unguarded).toEqual([]);
  });

  it('workflow code sits in src/workflows/ or a workflow/ folder, and Node code does not', () => {
    expect(bundle.length).toBeGreaterThan(20);
    const inWorkflowFolder = (file: string) => /^src\/workflows\//.test(file) || /\/workflow\//.test(file);
    expect(bundle.filter((file) => !inWorkflowFolder(file))).toEqual([]);
    const sources = foldersUnder('src').flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `${dir}/${name}`),
    );
    expect(sources.filter((file) => inWorkflowFolder(file) && !bundle.includes(file))).toEqual([]);
  });

  it('signals, queries and updates are defined in one messages.ts per area', () => {
    const sources = foldersUnder('src').flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `${dir}/${name}`),
    );
    const defining = sources.filter((file) => /\bdefine(Signal|Query|Update)\s*[<(]/.test(readFileSync(join(root, file), 'utf8')));
    expect(defining.sort()).toEqual(['src/connections/workflow/messages.ts', 'src/writes/workflow/messages.ts']);
  });
});
