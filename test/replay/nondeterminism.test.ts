// The replay check catches an incompatible change: a "refactor" that swaps the order of
// createPurchaseOrder's first activities fails to replay a recorded history, and the report names
// the event where code and history diverged.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { readHistoryFile, replayHistory } from '../../src/operations/replay.js';
import { installQuietRuntime, workflowBundle } from '../support/temporal.js';

const dir = join(import.meta.dirname, '..', 'histories');
const poCreates = readdirSync(dir)
  .filter((f) => f.startsWith('create-po-') && f.endsWith('.json'))
  .sort();
const reordered = join(import.meta.dirname, '..', 'support', 'reordered-workflows.ts');
const reorderedBundle = () => bundleWorkflowCode({ workflowsPath: reordered, logger: new DefaultLogger('WARN') });

describe('replay against a nondeterministic change', () => {
  it('has recorded createPurchaseOrder histories to check', () => {
    expect(poCreates.length).toBeGreaterThanOrEqual(1);
  });

  it('fails with DeterminismViolationError when activities run in a different order', async () => {
    installQuietRuntime();
    const { history } = readHistoryFile(join(dir, poCreates[0]!));
    await expect(Worker.runReplayHistory({ workflowBundle: await reorderedBundle() }, history, poCreates[0])).rejects.toMatchObject({
      name: 'DeterminismViolationError',
    });
  });

  it('reports the diverging event for every recorded create, while the current code replays them all', async () => {
    installQuietRuntime();
    const bad = await reorderedBundle();
    const good = await workflowBundle();
    for (const file of poCreates) {
      const loaded = readHistoryFile(join(dir, file));
      const report = await replayHistory(loaded, { workflowBundle: bad });
      expect(report).toMatchObject({ ok: false, kind: 'nondeterminism' });
      if (report.ok) continue;
      // The variant schedules an activity where the history has the write's first search-attribute upsert.
      const firstUpsert = loaded.history.events!.find((e) => e.upsertWorkflowSearchAttributesEventAttributes)!;
      expect(report.eventId).toBe(Number(firstUpsert.eventId));
      expect(report.event).toBe('UpsertWorkflowSearchAttributes');
      expect(report.message).toMatch(/Nondeterminism/);
      expect(await replayHistory(loaded, { workflowBundle: good })).toMatchObject({ ok: true });
    }
  });

  it('the replay CLI exits non-zero and names the event', async () => {
    const { execFile } = await import('node:child_process');
    const { nodeTs } = await import('../../scripts/lib/node-ts.js');
    const [cmd, args] = nodeTs('src/cli/main.ts', ['replay', join(dir, poCreates[0]!), '--workflows', reordered]);
    const res = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(cmd, args, { timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      ),
    );
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/NONDETERMINISM at event \d+ \(the history has UpsertWorkflowSearchAttributes there\)/);
  });
});

describe('every recorded history guards its workflow type', () => {
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const drifted = join(import.meta.dirname, 'drifted-workflows.ts');
  // The drifted code is the production code with a timer first: each type's exports, same names.
  const typesOf = (file: string) =>
    readHistoryFile(join(dir, file)).history.events![0]!.workflowExecutionStartedEventAttributes!.workflowType!.name!;

  it('the drifted variant exports every production workflow', async () => {
    const production = await import('../../src/workflows/index.js');
    const variant: typeof production = await import('./drifted-workflows.js');
    expect(Object.keys(variant).sort()).toEqual(Object.keys(production).sort());
  });

  it('no fixture replays against code that schedules something else first', async () => {
    installQuietRuntime();
    const bad = await bundleWorkflowCode({ workflowsPath: drifted, logger: new DefaultLogger('WARN') });
    const replayed: string[] = [];
    for (const file of all) {
      const report = await replayHistory(readHistoryFile(join(dir, file)), { workflowBundle: bad });
      replayed.push(`${file} (${typesOf(file)}): ${report.ok ? 'replayed' : report.kind}`);
    }
    expect(replayed).toEqual(all.map((f) => `${f} (${typesOf(f)}): nondeterminism`));
  });
});
