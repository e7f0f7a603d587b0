// The workflow modules shared by every workflow of a worker thread (src/workflows/shared-modules.ts):
// every module that may be shared is, none that keeps per-workflow state is, and the shared zod
// schemas still parse, valid input and invalid, once frozen the way the SDK freezes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WRITE_TYPE_NAMES, WRITE_TYPES } from '../../src/writes/workflow/catalog.js';
import { inputProblems } from '../../src/writes/workflow/engine/input.js';
import { OFFLINE_TARGETS, pathsOf, validInputs, withField } from '../fuzz/write-inputs.js';
import { directImports, repoRoot as root, valueImports } from '../support/import-graph.js';

const SHARED_ENTRY = 'src/workflows/shared-modules.ts';
/** Modules of the sharing itself, not of the workflows. */
const SHARING_MACHINERY = new Set([SHARED_ENTRY]);

/**
 * Module-level state that would leak between workflows if shared: a top-level `let`/`var`, or a
 * top-level collection that is not declared read-only.
 */
function holdsModuleState(file: string): boolean {
  const text = readFileSync(join(root, file), 'utf8');
  return (
    /^(export )?(let|var) /m.test(text) ||
    /^(export )?const \w+(: (?!Readonly)[^=]+)? = (new (Map|Set|WeakMap|WeakSet|Array)\b|\[\]|\{\})/m.test(text)
  );
}

const bundle = valueImports('src/workflows/index.ts');
const shared = new Set([...valueImports(SHARED_ENTRY)].filter((f) => !SHARING_MACHINERY.has(f)));

/** Modules that must stay per workflow: those with state, and every module that imports one. */
function perWorkflowModules(): Set<string> {
  const out = new Set([...bundle].filter(holdsModuleState));
  for (let grew = true; grew;) {
    grew = false;
    for (const file of bundle) {
      if (out.has(file) || !directImports(file).some((d) => out.has(d))) continue;
      out.add(file);
      grew = true;
    }
  }
  // The bundle's entry is loaded per workflow by the SDK (importWorkflows), shared or not.
  out.add('src/workflows/index.ts');
  return out;
}

describe('shared workflow modules', () => {
  it('finds the module that keeps per-workflow state (the check below is not vacuous)', () => {
    expect(holdsModuleState('src/connections/workflow/pacing.ts')).toBe(true);
    expect(perWorkflowModules()).toContain('src/writes/purchase-orders/workflow/workflows.ts');
  });

  it('shares no module that keeps per-workflow state, nor one that imports such a module', () => {
    const perWorkflow = perWorkflowModules();
    expect([...shared].filter((f) => perWorkflow.has(f))).toEqual([]);
  });

  it('shares every other module of the workflow bundle (a new schema module is not evaluated per workflow)', () => {
    const perWorkflow = perWorkflowModules();
    const shareable = [...bundle].filter((f) => !perWorkflow.has(f)).sort();
    expect(shareable.length).toBeGreaterThan(20);
    expect([...shared].sort()).toEqual(shareable);
  });

  it('freezes the bindings of every module it shares (one it skipped would be deep-frozen, and its schemas break on first use)', () => {
    const text = readFileSync(join(root, SHARED_ENTRY), 'utf8');
    const named = directImports(SHARED_ENTRY).filter((f) => !SHARING_MACHINERY.has(f));
    for (const file of named) {
      const binding = new RegExp(`import \\* as (\\w+) from '[^']*${file.replace(/^src\//, '').replace(/\.ts$/, '.js')}'`).exec(text)?.[1];
      expect(binding, `${file} is imported as a namespace`).toBeDefined();
      expect(text, `${file} has its bindings frozen`).toMatch(new RegExp(`^  ${binding},$`, 'm'));
    }
    expect(new Set(named)).toEqual(shared);
  });
});

/** The SDK's deep freeze of shared modules (reusable-vm.js): own properties, recursively; prototypes untouched. */
function deepFreeze(o: unknown, seen = new WeakSet<object>()): void {
  if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
  seen.add(o);
  if (Object.isFrozen(o)) return;
  if (typeof o === 'object') {
    for (const key of Reflect.ownKeys(o)) {
      const value = (o as Record<PropertyKey, unknown>)[key];
      try {
        deepFreeze(value, seen);
      } catch {
        // as the SDK: some objects (typed arrays) cannot be frozen
      }
    }
  }
  Object.freeze(o);
}

describe('shared schemas, frozen as the SDK freezes shared modules', () => {
  /** A webpack module record as the bundle keeps it: `exports` has a getter per export. */
  function moduleRecord(ns: Record<string, unknown>) {
    const exports = {};
    for (const key of Object.keys(ns)) Object.defineProperty(exports, key, { enumerable: true, get: () => ns[key] });
    return { id: 'module', loaded: true, exports };
  }

  it('a schema the SDK froze breaks on first use (why the bindings are frozen first)', async () => {
    const { purchaseOrderProfileSchema } = await import('../../src/profiles/workflow/schema.js');
    const copy = purchaseOrderProfileSchema.clone();
    deepFreeze(moduleRecord({ copy }));
    expect(() => copy.safeParse({})).toThrow(/not extensible|read only/);
  });

  it('with the bindings frozen first, every write type still parses: valid input, and each field set wrong', () => {
    const records = [moduleRecord({ WRITE_TYPES }), moduleRecord({ inputProblems })];
    for (const r of records) Object.freeze(r.exports);
    for (const r of records) deepFreeze(r);
    expect(Object.isFrozen(WRITE_TYPES.createPurchaseOrder.schema)).toBe(false);
    const valid = validInputs(OFFLINE_TARGETS, 'frozen-1');
    let rejected = 0;
    for (const type of WRITE_TYPE_NAMES) {
      const schema = WRITE_TYPES[type].schema;
      expect(schema.safeParse(valid[type]).success, type).toBe(true);
      for (const path of pathsOf(valid[type])) {
        for (const wrong of [undefined, null, -1, 'x'.repeat(10_000), { nested: [1] }]) {
          const parsed = schema.safeParse(withField(valid[type], path, wrong));
          if (parsed.success) continue;
          rejected++;
          expect(inputProblems(parsed.error).length, `${type} ${path.join('.')}`).toBeGreaterThan(0);
        }
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
